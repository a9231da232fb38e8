// Many tabs, one feed: one tab leads (Web Locks) and long-polls for the union of every tab's
// extensions; replies and status go to the others over a BroadcastChannel. Browsers allow ~6
// connections per host, so N tabs each holding a poll would queue the Answer POST behind them.
import { create } from 'zustand'
import type { SubscribeResult } from '../pbx/pbx-client.ts'
import type { CallModel } from './call-model.ts'
import { extKey } from './call-model.ts'
import { extensionSet, useFeed, type Connection } from './feed-store.ts'

export type Msg =
  | { type: 'watch'; tab: string; exts: string[] }
  | { type: 'bye'; tab: string }
  | { type: 'who' }
  | { type: 'retry' }
  | { type: 'reply'; sent: { seq: string | null; watching: string }; result: SubscribeResult; now: number }
  | { type: 'status'; connection: Connection }
  | {
      type: 'state'
      seq: string | null
      watching: string
      model: CallModel
      connection: Connection
      lastReplyAt: number
      simulated: boolean
    }

interface TabsState {
  isLeader: boolean
  /** Every open tab's own extension list, this tab's included. */
  lists: Record<string, string[]>
}

export const useTabs = create<TabsState>()(() => ({ isLeader: false, lists: {} }))

const LOCK = 'switchboard-feed-leader'
const tabId = Math.random().toString(36).slice(2)
let channel: BroadcastChannel | null = null

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

const post = (m: Msg) => channel?.postMessage(m)
const othersListen = () => Object.keys(useTabs.getState().lists).some((t) => t !== tabId)

/** Leader: tell the other tabs what the PBX said. */
export function publishReply(sent: { seq: string | null; watching: string }, result: SubscribeResult, now: number) {
  // Alone, nobody listens: a 1,000-event reply is not cloned for nothing. A tab that opens later
  // asks ('watch') and is sent the state.
  if (useTabs.getState().isLeader && othersListen()) post({ type: 'reply', sent, result, now })
}

export function publishStatus(connection: Connection) {
  if (useTabs.getState().isLeader) post({ type: 'status', connection })
}

/** "Retry now": the leader polls, so a follower asks it to. */
export function retryNow() {
  if (useTabs.getState().isLeader || !channel) useFeed.getState().retryNow()
  else post({ type: 'retry' })
}

/** A message from another tab (exported for tests). */
export function onMessage(m: Msg) {
  const tabs = useTabs.getState()
  const feed = useFeed.getState()
  switch (m.type) {
    case 'watch': {
      const known = m.tab in tabs.lists
      useTabs.setState({ lists: { ...tabs.lists, [m.tab]: m.exts } })
      // A newcomer gets what we know now; it may watch nothing the feed does not already cover.
      if (!known && tabs.isLeader)
        post({
          type: 'state',
          seq: feed.seq,
          watching: feed.watching,
          model: feed.model,
          connection: feed.connection,
          lastReplyAt: feed.lastReplyAt,
          simulated: feed.simulated,
        })
      return
    }
    case 'bye': {
      const lists = { ...tabs.lists }
      delete lists[m.tab]
      useTabs.setState({ lists })
      return
    }
    case 'who':
      post({ type: 'watch', tab: tabId, exts: tabs.lists[tabId] ?? [] })
      return
    case 'retry':
      if (tabs.isLeader) feed.retryNow()
      return
    case 'reply':
      if (tabs.isLeader) return
      // A tab that has not had the leader's state yet takes only a whole picture (a snapshot):
      // an increment on an empty model would leave out every call already there, and the state,
      // when it comes, would then be ignored.
      if (feed.watching === '' && m.sent.seq !== null) return
      feed.replyReceived(m.sent, m.result, extensionSet(m.sent.watching), m.now)
      return
    case 'status':
      if (!tabs.isLeader) useFeed.setState({ connection: m.connection, healthy: m.connection.phase === 'live' })
      return
    case 'state':
      if (!tabs.isLeader && feed.watching === '')
        useFeed.setState({
          seq: m.seq,
          watching: m.watching,
          model: m.model,
          connection: m.connection,
          lastReplyAt: m.lastReplyAt,
          simulated: m.simulated,
        })
      return
  }
}

/** This tab's own extension list changed. */
export function announce(exts: readonly string[]) {
  useTabs.setState((s) => ({ lists: { ...s.lists, [tabId]: [...exts] } }))
  post({ type: 'watch', tab: tabId, exts: [...exts] })
}

/** Join the tab group; returns a function that leaves it. Without Web Locks every tab leads. */
export function startTabSync(): () => void {
  if (!supported()) {
    useTabs.setState({ isLeader: true })
    return () => useTabs.setState({ isLeader: false })
  }
  channel = new BroadcastChannel('switchboard-feed')
  channel.onmessage = (e: MessageEvent<Msg>) => onMessage(e.data)
  const abort = new AbortController()
  let release = () => {}
  navigator.locks
    .request(LOCK, { signal: abort.signal }, () => {
      useTabs.setState({ isLeader: true })
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
    channel?.close()
    channel = null
    useTabs.setState({ isLeader: false, lists: {} })
  }
}
