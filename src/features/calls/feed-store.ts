import { create } from 'zustand'
import type { SubscribeResult } from '../pbx/pbx-client.ts'
import type { PbxError } from '../pbx/pbx-error.ts'
import { applyEvents, applySnapshot, emptyModel, expireEnded, extKey, type CallModel } from './call-model.ts'
import { recordDiag } from './diagnostics-store.ts'

export type Phase = 'connecting' | 'live' | 'reconnecting' | 'auth' | 'offline'

export interface Connection {
  phase: Phase
  error?: string
  kind?: PbxError['kind']
  nextRetryAt?: number
}

/** How long an ended call stays on screen. */
export const LINGER_MS = 8_000
/** Polls in a row the PBX refuses before the cursor is given up for a snapshot. */
export const REFUSALS_BEFORE_RESYNC = 2
/** How long a resync notice stays up. */
const NOTICE_MS = 10_000

interface FeedState {
  /** The cursor: null means the next poll is a snapshot (`lastSequenceNumber=0&timeOut=0`). */
  seq: string | null
  /** The extension list the cursor belongs to; another list starts with a snapshot. */
  watching: string
  /** Counts replies; part of the poll's query key so each reply starts the next poll. */
  poll: number
  /** false after a failed poll: the next one asks with timeOut=0 to catch up at once. */
  healthy: boolean
  /** Polls in a row the PBX answered with an error Code. */
  refusals: number
  /** The next poll (a retry too) asks for a snapshot, whatever cursor its key holds. */
  relist: boolean
  /**
   * The feed was down (a failed poll, offline): once the catch-up with the cursor has landed, a
   * snapshot checks the PBX did not restart meanwhile — one that answers a cursor it no longer
   * knows with that cursor and no events would otherwise never send us its calls.
   */
  verify: boolean
  model: CallModel
  connection: Connection
  lastReplyAt: number
  /** The replies come from Switchboard's built-in simulated PBX (demo calls, not real ones). */
  simulated: boolean
  notice: string | null
  noticeAt: number
  /** Events the panel could not read since the notice about them last went away. */
  unread: number
  /** Why the next snapshot is a resync (shown once it lands); null for a first load or a new list. */
  resyncReason: string | null

  replyReceived: (
    sent: { seq: string | null; watching: string },
    result: SubscribeResult,
    watched: ReadonlySet<string>,
    now: number,
  ) => void
  pollFailed: (error: PbxError, nextRetryAt: number | undefined) => void
  resyncRequested: (reason: string) => void
  /** Abandon any wait and poll now, catching up with timeOut=0. */
  retryNow: () => void
  wentOffline: () => void
  clockTicked: (now: number) => void
  noticeDismissed: () => void
}

const initial = {
  seq: null,
  watching: '',
  poll: 0,
  healthy: true,
  refusals: 0,
  relist: false,
  verify: false,
  model: emptyModel,
  connection: { phase: 'connecting' } as Connection,
  lastReplyAt: 0,
  simulated: false,
  notice: null,
  noticeAt: 0,
  unread: 0,
  resyncReason: null,
}

/**
 * The feed went down (a failed poll, offline): the next poll catches up at once, then a snapshot
 * checks. A snapshot that was only that check (no reason given) gives way to a catch-up with the
 * cursor again, so what happens during this outage is not lost either; the check follows it.
 */
const feedDown = (s: Pick<FeedState, 'relist' | 'resyncReason'>) => ({
  healthy: false,
  verify: true,
  relist: s.relist && s.resyncReason !== null,
})

export const useFeed = create<FeedState>()((set, get) => ({
  ...initial,

  replyReceived: (sent, result, watched, now) => {
    const s = get()
    const events = result.events.filter((e) => watched.has(extKey(e.ext)))
    // A poll held across going offline can still land; it does not make the feed live.
    const phase =
      typeof navigator !== 'undefined' && navigator.onLine === false ? ('offline' as const) : ('live' as const)
    const connection: Connection = phase === 'live' ? { phase } : { phase, error: 'This computer is offline' }
    recordDiag(
      'reply',
      `seq ${result.seq}, ${result.events.length} events${result.rejected ? `, ${result.rejected} malformed events dropped` : ''}${result.note ? `; the PBX noted ${result.note}` : ''}`,
    )
    // Said on screen, not only in Diagnostics: something the PBX sent is not shown.
    const total = s.unread + result.rejected
    const unread = result.rejected
      ? {
          unread: total,
          notice: `The PBX sent ${total} event${total === 1 ? '' : 's'} Switchboard could not read and skipped; see Diagnostics`,
          noticeAt: now,
        }
      : {}
    const base = {
      watching: sent.watching,
      poll: s.poll + 1,
      healthy: phase === 'live',
      refusals: 0,
      relist: false,
      lastReplyAt: now,
      simulated: result.simulated === true,
      connection,
      ...unread,
    }
    if (sent.seq === null) {
      // A snapshot taken with a cursor still held for the same extensions (a check after a fault,
      // a refused cursor) whose seq is lower than that cursor: the PBX restarted meanwhile.
      const restarted = s.seq !== null && sent.watching === s.watching && BigInt(result.seq) < BigInt(s.seq)
      if (restarted) recordDiag('resync', `snapshot seq ${result.seq} is below our cursor ${s.seq}: the PBX restarted`)
      const reason = s.resyncReason ?? (restarted ? "the PBX's sequence went back: a restart?" : null)
      const notice = reason ? { notice: `Resynchronised with the PBX (${reason})`, noticeAt: now } : {}
      const model = applySnapshot(s.model, events, now)
      set({
        ...base,
        verify: false,
        seq: result.seq,
        model,
        resyncReason: null,
        ...notice,
      })
      return
    }
    if (BigInt(result.seq) < BigInt(sent.seq)) {
      // The PBX's counter went backwards: it restarted. Our cursor means nothing there now.
      recordDiag('resync', `seq went back from ${sent.seq} to ${result.seq}: PBX restarted or a stale reply`)
      set({
        ...base,
        seq: null,
        verify: false,
        resyncReason: "the PBX's sequence went back",
        notice: "The PBX's sequence went back (a restart?); resynchronising",
        noticeAt: now,
      })
      return
    }
    if (result.seq === sent.seq && events.length > 0) {
      // Events come only with a seq beyond the cursor: the same seq with events is a replayed reply.
      recordDiag('fault', `reply repeated seq ${result.seq} with ${events.length} events: ignored as a replay`)
      set(base)
      return
    }
    const model = applyEvents(s.model, events, now)
    // Caught up after a fault: what happened meanwhile is applied; a snapshot next checks it all.
    if (s.verify)
      recordDiag(
        'resync',
        'caught up after a fault: the next poll asks for the current state, in case the PBX restarted',
      )
    const check = s.verify ? { relist: true, verify: false } : {}
    set(model === s.model ? { ...base, seq: result.seq, ...check } : { ...base, seq: result.seq, model, ...check })
  },

  pollFailed: (error, nextRetryAt) => {
    recordDiag('fault', `${error.kind}: ${error.message}`)
    const s = get()
    // The PBX answered with an error Code (with HTTP 200 or inside an HTTP error's body): once may
    // be a blip; twice in a row and the cursor may be one it no longer knows (the contract's "a
    // cursor the server no longer knows"). The next try, after the same wait as any, asks for the
    // current state instead of sending it again. Transport faults (no answer, HTTP errors without
    // a Code, broken bodies) keep the cursor and break a run of refusals: the PBX may still have
    // every event since, and a snapshot would drop the calls that came and went meanwhile.
    const refused = error.kind === 'pbx' || (error.kind === 'http' && error.code !== undefined && error.code < 0)
    const refusals = refused ? s.refusals + 1 : 0
    const connection: Connection = {
      phase: error.kind === 'auth' ? 'auth' : 'reconnecting',
      error: error.message,
      kind: error.kind,
      nextRetryAt,
    }
    const relist = refusals >= REFUSALS_BEFORE_RESYNC && s.seq !== null && !s.relist
    if (relist) recordDiag('resync', `${refusals} refused polls in a row: the next asks for the current state`)
    set({
      ...feedDown(s),
      refusals,
      connection,
      ...(relist ? { relist, resyncReason: 'the PBX refused our place in its event stream' } : {}),
    })
  },

  resyncRequested: (reason) => {
    recordDiag('resync', reason)
    set((s) => ({ seq: null, poll: s.poll + 1, resyncReason: reason }))
  },

  retryNow: () => set((s) => ({ poll: s.poll + 1, healthy: false })),

  wentOffline: () =>
    set((s) => ({ ...feedDown(s), connection: { phase: 'offline', error: 'This computer is offline' } })),

  clockTicked: (now) => {
    const s = get()
    const model = expireEnded(s.model, now, LINGER_MS)
    if (model !== s.model) set({ model })
    if (s.notice && now - s.noticeAt > NOTICE_MS) set({ notice: null, unread: 0 })
  },

  noticeDismissed: () => set({ notice: null, unread: 0 }),
}))

/**
 * Whether what is on screen is the PBX's word now: `live`; `waiting` — nothing heard yet, so an
 * extension without calls is unknown, not idle; `stale` — the feed is down, the calls shown are
 * as last heard.
 */
export type FeedTrust = 'live' | 'waiting' | 'stale'
export const feedTrust = (s: Pick<FeedState, 'connection' | 'lastReplyAt'>): FeedTrust =>
  s.connection.phase === 'live' ? 'live' : s.lastReplyAt === 0 ? 'waiting' : 'stale'

let setOf = { list: '', exts: new Set<string>() as ReadonlySet<string> }
/**
 * An extension list as the feed writes it (`400,SIP/410`) as a set of bare extensions. The last
 * list's set is kept: the poll, the tabs and every column and tile read the same list, and a
 * supervisor's has a thousand entries — split once per change of the list, not once per reader.
 */
export function extensionSet(list: string): ReadonlySet<string> {
  if (list !== setOf.list) setOf = { list, exts: new Set(list.split(',').map(extKey)) }
  return setOf.exts
}

/** The same for one extension: one just added is unknown until a reply covers it. */
export const extensionTrust = (
  s: Pick<FeedState, 'connection' | 'lastReplyAt' | 'watching'>,
  ext: string,
): FeedTrust => (extensionSet(s.watching).has(extKey(ext)) ? feedTrust(s) : 'waiting')

/** Narrow selectors (the cards' own is `useCallsFor` in shown-calls.ts). */
export const useFeedTrust = () => useFeed(feedTrust)
export const useExtensionTrust = (ext: string) => useFeed((s) => extensionTrust(s, ext))
export const useConnection = () => useFeed((s) => s.connection)

export const resetFeedStore = () => useFeed.setState(initial)
