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

/**
 * Where the feed stands in the PBX's event stream, which decides the next request:
 * - `snapshot`: ask for the current state (`lastSequenceNumber=0&timeOut=0`); `after` is the cursor
 *   still held, to spot a restart (a lower seq), and `reason` the notice once it lands (null: a first
 *   load, or the check after a fault);
 * - `catch-up`: ask from the cursor with `timeOut=0` (after a fault or Retry now); `check` asks for a
 *   snapshot next, in case the PBX restarted meanwhile and echoes a cursor it no longer knows;
 * - `hold`: the long poll from the cursor.
 */
export type Sync =
  | { step: 'snapshot'; after: string | null; reason: string | null }
  | { step: 'catch-up'; seq: string; check: boolean }
  | { step: 'hold'; seq: string }

/** How long an ended call stays on screen. */
export const LINGER_MS = 8_000
/** Polls in a row the PBX refuses before the cursor is given up for a snapshot. */
export const REFUSALS_BEFORE_RESYNC = 2
/** How long a resync notice stays up. */
const NOTICE_MS = 10_000

/** The cursor the feed holds (null: none yet, or given up). */
export const cursorOf = (sync: Sync): string | null => (sync.step === 'snapshot' ? sync.after : sync.seq)

/** What a request carried: its cursor (null for a snapshot) and the extension list it asked for. */
export interface Sent {
  seq: string | null
  watching: string
}

interface FeedState {
  sync: Sync
  /** The extension list the cursor belongs to; another list starts with a snapshot. */
  watching: string
  /** The same list as a set of bare extensions, split once per list (a supervisor's has a thousand). */
  watched: ReadonlySet<string>
  /** Polls in a row the PBX answered with an error Code. */
  refusals: number
  /** Failed polls in a row: the backoff's step. */
  failures: number
  /** The later of the last poll sent and the last reply: the next poll waits the PBX's period from it. */
  pacedFrom: number
  model: CallModel
  connection: Connection
  lastReplyAt: number
  /** The replies come from Switchboard's built-in simulated PBX (demo calls, not real ones). */
  simulated: boolean
  notice: string | null
  noticeAt: number
  /** Events the panel could not read since the notice about them last went away. */
  unread: number

  pollSent: (now: number) => void
  replyReceived: (sent: Sent, result: SubscribeResult, watched: ReadonlySet<string>, now: number) => void
  pollFailed: (error: PbxError, now: number, retryInMs: number) => void
  resyncRequested: (reason: string) => void
  /** Retry now (or back online): the next poll catches up at once with timeOut=0. */
  retryRequested: () => void
  wentOffline: () => void
  /** A follower tab: the leader's word on the connection. */
  statusShared: (connection: Connection) => void
  /** A follower tab that has nothing yet: the leader's whole picture. */
  stateShared: (state: SharedState) => void
  clockTicked: (now: number) => void
  noticeDismissed: () => void
}

/** What a leading tab hands a new follower. */
export type SharedState = Pick<FeedState, 'sync' | 'watching' | 'model' | 'connection' | 'lastReplyAt' | 'simulated'>

const initial = {
  sync: { step: 'snapshot', after: null, reason: null } as Sync,
  watching: '',
  watched: new Set<string>() as ReadonlySet<string>,
  refusals: 0,
  failures: 0,
  pacedFrom: 0,
  model: emptyModel,
  connection: { phase: 'connecting' } as Connection,
  lastReplyAt: 0,
  simulated: false,
  notice: null,
  noticeAt: 0,
  unread: 0,
}

/** A bare-extension set of a list as the feed writes it (`400,SIP/410`). */
export const extensionSet = (list: string): ReadonlySet<string> =>
  new Set(list === '' ? [] : list.split(',').map(extKey))

/**
 * The feed went down (a failed poll, offline): catch up from the cursor at once, then check with a
 * snapshot. A snapshot that was only such a check gives way to the catch-up, so what happens during
 * this outage is not lost either.
 */
function down(sync: Sync): Sync {
  if (sync.step === 'snapshot') return sync.reason === null && sync.after !== null ? catchUp(sync.after, true) : sync
  return catchUp(sync.seq, true)
}
const catchUp = (seq: string, check: boolean): Sync => ({ step: 'catch-up', seq, check })
/** Retry now: catch up at once; a check already due stays due. */
const hurried = (sync: Sync): Sync => (sync.step === 'hold' ? catchUp(sync.seq, false) : sync)

/** The next request, from the feed's state alone (pure): what to ask, and not before when. */
export function nextRequest(
  s: Pick<FeedState, 'sync' | 'watching' | 'watched' | 'pacedFrom'>,
  exten: readonly string[],
  minPeriodMs: number,
  holdS: number,
): { sent: Sent; timeOut: number; notBefore: number } {
  const watching = exten.join(',')
  // The cursor still holds for the same or fewer extensions; any new one needs a snapshot.
  const covered = s.watching !== '' && exten.every((e) => s.watched.has(extKey(e)))
  const seq = covered && s.sync.step !== 'snapshot' ? s.sync.seq : null
  const timeOut = seq !== null && s.sync.step === 'hold' ? holdS : 0
  return { sent: { seq, watching }, timeOut, notBefore: s.pacedFrom + minPeriodMs }
}

export const useFeed = create<FeedState>()((set, get) => ({
  ...initial,

  pollSent: (now) => set({ pacedFrom: now }),

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
      watched: sent.watching === s.watching ? s.watched : watched,
      refusals: 0,
      failures: 0,
      pacedFrom: now,
      lastReplyAt: now,
      simulated: result.simulated === true,
      connection,
      ...unread,
    }
    // Offline, the next poll catches up rather than holding.
    const settled = (seq: string): Sync => (phase === 'live' ? { step: 'hold', seq } : catchUp(seq, false))
    if (sent.seq === null) {
      // A snapshot taken with a cursor still held for the same extensions (a check after a fault,
      // a refused cursor) whose seq is lower than that cursor: the PBX restarted meanwhile.
      const held = cursorOf(s.sync)
      const restarted = held !== null && sent.watching === s.watching && BigInt(result.seq) < BigInt(held)
      if (restarted) recordDiag('resync', `snapshot seq ${result.seq} is below our cursor ${held}: the PBX restarted`)
      const asked = s.sync.step === 'snapshot' ? s.sync.reason : null
      const reason = asked ?? (restarted ? "the PBX's sequence went back: a restart?" : null)
      const notice = reason ? { notice: `Resynchronised with the PBX (${reason})`, noticeAt: now } : {}
      set({ ...base, sync: settled(result.seq), model: applySnapshot(s.model, events, now), ...notice })
      return
    }
    if (BigInt(result.seq) < BigInt(sent.seq)) {
      // The PBX's counter went backwards: it restarted. Our cursor means nothing there now.
      recordDiag('resync', `seq went back from ${sent.seq} to ${result.seq}: PBX restarted or a stale reply`)
      set({
        ...base,
        sync: { step: 'snapshot', after: null, reason: "the PBX's sequence went back" },
        notice: "The PBX's sequence went back (a restart?); resynchronising",
        noticeAt: now,
      })
      return
    }
    // Caught up after a fault: what happened meanwhile is applied; a snapshot next checks it all.
    const checkDue = s.sync.step === 'catch-up' && s.sync.check
    if (checkDue)
      recordDiag(
        'resync',
        'caught up after a fault: the next poll asks for the current state, in case the PBX restarted',
      )
    const sync: Sync = checkDue ? { step: 'snapshot', after: result.seq, reason: null } : settled(result.seq)
    if (result.seq === sent.seq && events.length > 0) {
      // Events come only with a seq beyond the cursor: the same seq with events is a replayed reply.
      recordDiag('fault', `reply repeated seq ${result.seq} with ${events.length} events: ignored as a replay`)
      set({ ...base, sync })
      return
    }
    const model = applyEvents(s.model, events, now)
    set(model === s.model ? { ...base, sync } : { ...base, sync, model })
  },

  pollFailed: (error, now, retryInMs) => {
    recordDiag('fault', `${error.kind}: ${error.message}`)
    const s = get()
    // Two error Codes in a row: the cursor may be unknown to the PBX, so ask for the current state (transport
    // faults keep it: a snapshot would drop the calls that came and went meanwhile).
    const refused = error.kind === 'pbx' || (error.kind === 'http' && error.code !== undefined && error.code < 0)
    const refusals = refused ? s.refusals + 1 : 0
    const connection: Connection = {
      phase: error.kind === 'auth' ? 'auth' : 'reconnecting',
      error: error.message,
      kind: error.kind,
      nextRetryAt: now + retryInMs,
    }
    let sync = down(s.sync)
    const cursor = cursorOf(s.sync)
    if (refusals >= REFUSALS_BEFORE_RESYNC && cursor !== null && sync.step !== 'snapshot') {
      recordDiag('resync', `${refusals} refused polls in a row: the next asks for the current state`)
      sync = { step: 'snapshot', after: cursor, reason: 'the PBX refused our place in its event stream' }
    }
    set({ sync, refusals, failures: s.failures + 1, pacedFrom: Math.max(s.pacedFrom, now), connection })
  },

  resyncRequested: (reason) => {
    recordDiag('resync', reason)
    set({ sync: { step: 'snapshot', after: null, reason } })
  },

  retryRequested: () => set((s) => ({ sync: hurried(s.sync) })),

  wentOffline: () =>
    set((s) => ({ sync: down(s.sync), connection: { phase: 'offline', error: 'This computer is offline' } })),

  statusShared: (connection) =>
    set((s) => ({ connection, sync: connection.phase === 'live' ? s.sync : hurried(s.sync) })),

  stateShared: ({ sync, watching, model, connection, lastReplyAt, simulated }) => {
    if (get().watching !== '') return
    set({ sync, watching, watched: extensionSet(watching), model, connection, lastReplyAt, simulated })
  },

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

/** The same for one extension: one just added is unknown until a reply covers it. */
export const extensionTrust = (s: Pick<FeedState, 'connection' | 'lastReplyAt' | 'watched'>, ext: string): FeedTrust =>
  s.watched.has(extKey(ext)) ? feedTrust(s) : 'waiting'

/** Narrow selectors (the cards' own is `useCallsFor` in shown-calls.ts). */
export const useFeedTrust = () => useFeed(feedTrust)
export const useExtensionTrust = (ext: string) => useFeed((s) => extensionTrust(s, ext))
export const useConnection = () => useFeed((s) => s.connection)

export const resetFeedStore = () => useFeed.setState(initial)
