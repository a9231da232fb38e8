// Many tabs, one feed: one tab leads (Web Locks) and long-polls for the union of every tab's
// extensions; replies and status go to the others over a BroadcastChannel. Browsers allow ~6
// connections per host, so N tabs each holding a poll would queue the Answer POST behind them.
import { create } from 'zustand'
import type { SubscribeResult } from '../pbx/pbx-client.ts'
import { extKey } from './call-model.ts'
import { extensionSet, useFeed, type Connection, type Sent, type SharedState } from './feed-store.ts'

export type Msg =
  | { type: 'watch'; tab: string; exts: string[] }
  | { type: 'bye'; tab: string }
  | { type: 'who' }
  | { type: 'retry' }
  | { type: 'reply'; sent: Sent; result: SubscribeResult; now: number }
  | { type: 'status'; connection: Connection }
  | ({ type: 'state' } & SharedState)

interface TabsState {
  isLeader: boolean
  /** Every open tab's own extension list, this tab's included. */
  lists: Record<string, string[]>
  /** Sends to the other tabs; null outside a tab group (alone, or no BroadcastChannel). */
  post: ((m: Msg) => void) | null
  joined: (post: (m: Msg) => void) => void
  led: () => void
  left: () => void
  listed: (tab: string, exts: string[]) => void
  closed: (tab: string) => void
}

export const useTabs = create<TabsState>()((set) => ({
  isLeader: false,
  lists: {},
  post: null,
  joined: (post) => set({ post }),
  led: () => set({ isLeader: true }),
  left: () => set({ isLeader: false, lists: {}, post: null }),
  listed: (tab, exts) => set((s) => ({ lists: { ...s.lists, [tab]: exts } })),
  closed: (tab) =>
    set((s) => {
      const lists = { ...s.lists }
      delete lists[tab]
      return { lists }
    }),
}))

const LOCK = 'switchboard-feed-leader'
const tabId = Math.random().toString(36).slice(2)

const supported = () => typeof BroadcastChannel !== 'undefined' && typeof navigator !== 'undefined' && !!navigator.locks

/** The union of all tabs' extensions, this tab's first, order kept. */
export function unionOf(own: readonly string[], lists: Record<string, string[]>): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const e of [
    ...own,
    ...Object.entries(lists)
      .filter(([t]) => t !== tabId)
      .flatMap(([, l]) => l),
  ]) {
    if (seen.has(extKey(e))) continue
    seen.add(extKey(e))
    out.push(e)
  }
  return out
}

const post = (m: Msg) => useTabs.getState().post?.(m)
const othersListen = () => Object.keys(useTabs.getState().lists).some((t) => t !== tabId)

/** Leader: tell the other tabs what the PBX said. */
export function publishReply(sent: Sent, result: SubscribeResult, now: number) {
  // Alone, nobody listens: a 1,000-event reply is not cloned for nothing. A tab that opens later
  // asks ('watch') and is sent the state.
  if (useTabs.getState().isLeader && othersListen()) post({ type: 'reply', sent, result, now })
}

export function publishStatus(connection: Connection) {
  if (useTabs.getState().isLeader) post({ type: 'status', connection })
}

/** "Retry now": the leader polls, so a follower asks it to; `poll` is the leader's own retry. */
export function retryNow(poll: () => void) {
  const tabs = useTabs.getState()
  if (tabs.isLeader || !tabs.post) poll()
  else post({ type: 'retry' })
}

/** A message from another tab (exported for tests); `retry` is the leader's own Retry now. */
export function onMessage(m: Msg, retry: () => void = () => {}) {
  const tabs = useTabs.getState()
  const feed = useFeed.getState()
  switch (m.type) {
    case 'watch': {
      const known = m.tab in tabs.lists
      tabs.listed(m.tab, m.exts)
      // A newcomer gets what we know now; it may watch nothing the feed does not already cover.
      if (!known && tabs.isLeader) {
        const { sync, watching, model, connection, lastReplyAt, simulated } = feed
        post({ type: 'state', sync, watching, model, connection, lastReplyAt, simulated })
      }
      return
    }
    case 'bye':
      tabs.closed(m.tab)
      return
    case 'who':
      post({ type: 'watch', tab: tabId, exts: tabs.lists[tabId] ?? [] })
      return
    case 'retry':
      if (tabs.isLeader) retry()
      return
    case 'reply':
      if (tabs.isLeader) return
      // A tab that has not had the leader's state yet takes only a whole picture (a snapshot):
      // an increment on an empty model would leave out every call already there, and the state,
      // when it comes, would then be ignored.
      if (feed.watching === '' && m.sent.seq !== null) return
      feed.replyReceived(
        m.sent,
        m.result,
        m.sent.watching === feed.watching ? feed.watched : extensionSet(m.sent.watching),
        m.now,
      )
      return
    case 'status':
      if (!tabs.isLeader) feed.statusShared(m.connection)
      return
    case 'state':
      if (!tabs.isLeader) feed.stateShared(m)
      return
  }
}

/** This tab's own extension list changed. */
export function announce(exts: readonly string[]) {
  useTabs.getState().listed(tabId, [...exts])
  post({ type: 'watch', tab: tabId, exts: [...exts] })
}

/**
 * Join the tab group; returns a function that leaves it. Without Web Locks every tab leads.
 * `retry` is this tab's Retry now, run when it leads and a follower asks.
 */
export function startTabSync(retry: () => void = () => {}): () => void {
  const tabs = useTabs.getState()
  if (!supported()) {
    tabs.led()
    return () => useTabs.getState().left()
  }
  const channel = new BroadcastChannel('switchboard-feed')
  channel.onmessage = (e: MessageEvent<Msg>) => onMessage(e.data, retry)
  tabs.joined((m) => channel.postMessage(m))
  const abort = new AbortController()
  let release = () => {}
  navigator.locks
    .request(LOCK, { signal: abort.signal }, () => {
      useTabs.getState().led()
      post({ type: 'who' })
      return new Promise<void>((resolve) => (release = resolve))
    })
    .catch(() => {})
  post({ type: 'who' })
  const bye = () => post({ type: 'bye', tab: tabId })
  window.addEventListener('pagehide', bye)
  return () => {
    bye()
    window.removeEventListener('pagehide', bye)
    abort.abort()
    release()
    channel.close()
    useTabs.getState().left()
  }
}
