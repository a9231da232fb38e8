import { create } from 'zustand'
import type { SubscribeResult } from '../pbx/pbx-client.ts'
import type { PbxError } from '../pbx/pbx-error.ts'
import { applyEvents, applySnapshot, emptyModel, expireEnded, extKey, type CallModel } from './call-model.ts'
import { recordDiag } from './diagnostics-store.ts'

export type Phase = 'connecting' | 'live' | 'reconnecting' | 'auth' | 'offline'

export interface Connection {
  phase: Phase
  /** What went wrong, in the server's words (or the browser's, when the server could not be reached). */
  error?: string
  nextRetryAt?: number
}

/**
 * Where the feed stands in the server's event log, which decides the next request:
 * - `snapshot`: ask for the current state (`lastSequenceNumber=0`); `reason` is the notice once it lands
 *   (null: a first load);
 * - `hold`: the long poll from the cursor; `quick` asks `timeOut=0` instead (after a failure, offline,
 *   Retry now), so the status line knows at once that the feed is back.
 */
export type Sync = { step: 'snapshot'; reason: string | null } | { step: 'hold'; seq: string; quick: boolean }

/** How long an ended call stays on screen. */
export const LINGER_MS = 8_000
/** How long a resync notice stays up. */
const NOTICE_MS = 10_000
/** The notice for a server's `seq: 0` that gave no reason. */
const RESYNCED = 'Resynchronised with the PBX'

/** The cursor the feed holds (null: none yet, or given up). */
export const cursorOf = (sync: Sync): string | null => (sync.step === 'hold' ? sync.seq : null)

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
  /** Failed polls in a row: the backoff's step. */
  failures: number
  /** When Retry now last asked the server to try the PBX (0: never). */
  retryAskedAt: number
  /** The later of the last poll sent and the last reply: the next poll waits the minimum period from it. */
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
  /** Retry now (`asked`: the server was asked to try the PBX too) or back online: the next poll asks at once. */
  retryRequested: (now: number, asked: boolean) => void
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
  sync: { step: 'snapshot', reason: null } as Sync,
  watching: '',
  watched: new Set<string>() as ReadonlySet<string>,
  failures: 0,
  retryAskedAt: 0,
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

/** The next poll asks at once (timeOut=0); a snapshot due stays due. */
const quick = (sync: Sync): Sync => (sync.step === 'hold' ? { ...sync, quick: true } : sync)
const isOffline = () => typeof navigator !== 'undefined' && navigator.onLine === false
const OFFLINE: Connection = { phase: 'offline', error: 'This computer is offline' }

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
  const seq = covered && s.sync.step === 'hold' ? s.sync.seq : null
  const timeOut = seq !== null && s.sync.step === 'hold' && !s.sync.quick ? holdS : 0
  return { sent: { seq, watching }, timeOut, notBefore: s.pacedFrom + minPeriodMs }
}

export const useFeed = create<FeedState>()((set, get) => ({
  ...initial,

  pollSent: (now) => set({ pacedFrom: now }),

  replyReceived: (sent, result, watched, now) => {
    const s = get()
    const events = result.events.filter((e) => watched.has(extKey(e.ext)))
    // A poll held across going offline can still land; it does not make the feed live.
    const connection: Connection = isOffline() ? OFFLINE : { phase: 'live' }
    recordDiag(
      'reply',
      `seq ${result.seq}, ${result.events.length} events${result.rejected ? `, ${result.rejected} malformed events dropped` : ''}${result.message ? `; the server said ${result.message}` : ''}`,
    )
    // Said on screen, not only in Diagnostics: something the server sent is not shown.
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
      failures: 0,
      pacedFrom: now,
      lastReplyAt: now,
      simulated: result.simulated === true,
      connection,
      ...unread,
    }
    const sync: Sync = { step: 'hold', seq: result.seq, quick: connection.phase !== 'live' }
    if (sent.seq === null) {
      const reason = s.sync.step === 'snapshot' ? s.sync.reason : null
      const notice = reason ? { notice: reason, noticeAt: now } : {}
      set({ ...base, sync, model: applySnapshot(s.model, events, now), ...notice })
      return
    }
    if (BigInt(result.seq) < BigInt(sent.seq)) {
      // The server's log no longer serves our cursor (seq 0, or any lower); its Message says why.
      recordDiag('resync', `seq ${result.seq} after our cursor ${sent.seq}: taking a snapshot`)
      set({ ...base, sync: { step: 'snapshot', reason: result.message ?? RESYNCED } })
      return
    }
    const model = applyEvents(s.model, events, now)
    set(model === s.model ? { ...base, sync } : { ...base, sync, model })
  },

  pollFailed: (error, now, retryInMs) => {
    recordDiag('fault', `${error.kind}${error.reason ? ` (${error.reason})` : ''}: ${error.message}`)
    const s = get()
    const phase: Phase = error.kind === 'offline' ? 'offline' : error.reason === 'key-refused' ? 'auth' : 'reconnecting'
    const connection: Connection = { phase, error: error.message, nextRetryAt: now + retryInMs }
    set({ sync: quick(s.sync), failures: s.failures + 1, pacedFrom: Math.max(s.pacedFrom, now), connection })
  },

  resyncRequested: (reason) => {
    recordDiag('resync', reason)
    set({ sync: { step: 'snapshot', reason: `Resynchronised with the PBX (${reason})` } })
  },

  retryRequested: (now, asked) => set((s) => ({ sync: quick(s.sync), retryAskedAt: asked ? now : s.retryAskedAt })),

  wentOffline: () => set((s) => ({ sync: quick(s.sync), connection: OFFLINE })),

  statusShared: (connection) =>
    set((s) => ({ connection, sync: connection.phase === 'live' ? s.sync : quick(s.sync) })),

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
