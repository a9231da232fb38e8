import { hashKey, queryOptions, type QueryClient } from '@tanstack/react-query'
import { subscribe } from '../pbx/pbx-client.ts'
import { isPbxError, PbxError } from '../pbx/pbx-error.ts'
import { fullJitterDelay } from '../../lib/backoff.ts'
import { extKey } from './call-model.ts'
import { recordDiag } from './diagnostics-store.ts'
import { extensionSet, useFeed } from './feed-store.ts'
import { publishReply, publishStatus } from './tab-sync.ts'

/** Seconds the PBX may hold a poll. */
export const POLL_TIMEOUT_S = 25
/** The client gives up this long after the hold should have ended … */
export const CLIENT_GRACE_MS = 10_000
/**
 * … but never sooner than this: a snapshot or catch-up (timeOut=0) of a thousand extensions from
 * a loaded PBX can take more than 10 s, and giving up on it every time would never connect.
 */
export const MIN_DEADLINE_MS = 30_000
/** How long a poll that asked the PBX to hold it `timeOut` seconds may take before it is given up. */
export const pollDeadlineMs = (timeOut: number) => Math.max(timeOut * 1000 + CLIENT_GRACE_MS, MIN_DEADLINE_MS)
/** A refused key is retried slowly: the PBX will not change its mind every second. */
export const AUTH_RETRY_MS = 60_000

/** The delay before retrying a failed poll; also tells the store when the next try is. */
export function pollRetryDelay(failureCount: number, error: unknown): number {
  const e = isPbxError(error) ? error : new PbxError('network', String(error))
  const delay = e.kind === 'auth' ? AUTH_RETRY_MS : fullJitterDelay(failureCount)
  useFeed.getState().pollFailed(e, Date.now() + delay)
  publishStatus(useFeed.getState().connection)
  return delay
}

/**
 * The PBX's minimum poll period: a burst of replies must not become a burst of polls. Counted
 * from the later of the last poll sent and its reply: a request's way to the PBX takes longer at
 * some times than others (a new connection through the proxy), so 100 ms between sends can reach
 * the PBX less than 100 ms apart; 100 ms after the reply cannot.
 */
export const MIN_POLL_PERIOD_MS = 100
let pacedFrom = 0
/** The poll on the wire (and its query): a new one cancels it first, so two never overlap at the PBX. */
let onWire: { ctl: AbortController; query: string } | null = null

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(t), reject(new PbxError('aborted', 'Request cancelled'))), {
      once: true,
    })
  })

interface PollContext {
  signal: AbortSignal
  client: QueryClient
  queryKey: readonly unknown[]
}

async function pollOnce(
  exten: readonly string[],
  cursor: string | null,
  poll: number,
  ctx: PollContext,
): Promise<string> {
  const { signal, client } = ctx
  // Exactly one poll in flight: one started ahead of a render that then went elsewhere is dropped.
  const self = hashKey(ctx.queryKey)
  void client.cancelQueries({
    queryKey: [...callQueries.all(), 'feed'],
    predicate: (q) => q.queryHash !== self && q.getObserversCount() === 0,
  })
  // Two polls can set out together (a retry the network's return resumed, and "Retry now"): each
  // waits its turn, checked again after every wait, so they still go 100 ms apart.
  const waitLeft = () => pacedFrom + MIN_POLL_PERIOD_MS - Date.now()
  for (let wait = waitLeft(); wait > 0; wait = waitLeft()) await pause(wait, signal)
  // A poll nothing renders (one started ahead for the next reply, whose list has since changed)
  // never cancels one a component drives: it gives way instead.
  const observed = (hash: string) => (client.getQueryCache().get(hash)?.getObserversCount() ?? 0) > 0
  if (onWire && !observed(self) && observed(onWire.query)) throw new PbxError('aborted', 'Superseded poll')
  pacedFrom = Date.now()
  onWire?.ctl.abort()
  const mine = { ctl: new AbortController(), query: self }
  onWire = mine
  const state = useFeed.getState()
  const watching = exten.join(',')
  // The cursor still holds for the same or fewer extensions; any new one needs a snapshot.
  const covered = extensionSet(state.watching)
  const seq = state.watching !== '' && !state.relist && exten.every((e) => covered.has(extKey(e))) ? cursor : null
  const timeOut = seq === null || !state.healthy ? 0 : POLL_TIMEOUT_S
  recordDiag('request', `subscribe lastSequenceNumber=${seq ?? 0} timeOut=${timeOut}`)
  const result = await subscribe(
    { exten: [...exten], lastSequenceNumber: seq ?? '0', timeOut },
    { signal: AbortSignal.any([signal, mine.ctl.signal]), timeoutMs: pollDeadlineMs(timeOut) },
  ).finally(() => {
    if (onWire === mine) onWire = null
  })
  // A reply to a poll that was superseded (retry now, resync) must not move the cursor.
  const now = Date.now()
  pacedFrom = now
  if (useFeed.getState().poll !== poll) throw new PbxError('aborted', 'Superseded poll')
  useFeed.getState().replyReceived({ seq, watching }, result, extensionSet(watching), now)
  publishReply({ seq, watching }, result, now)
  // Start the next poll now rather than after React has rendered this reply; the render's
  // useQuery then finds it in flight under the same key. Only for a poll a component drives.
  if (observed(self))
    setTimeout(() => {
      const next = useFeed.getState()
      if (next.poll === poll + 1) void client.prefetchQuery(callQueries.feed(exten, next.seq, next.poll))
    }, 0)
  return result.seq
}

export const callQueries = {
  all: () => ['calls'] as const,
  /** One long poll: each reply bumps `poll`, which keys the next one, so exactly one is in flight. */
  feed: (exten: readonly string[], seq: string | null, poll: number) =>
    queryOptions({
      // The list joined: hashing a key calls a replacer per array element, 1,000 of them for a
      // supervisor's list, several times a poll.
      queryKey: [...callQueries.all(), 'feed', exten.join(','), seq, poll] as const,
      queryFn: (ctx) => pollOnce(exten, seq, poll, ctx),
      staleTime: Infinity,
      gcTime: 0,
      retry: (_count, error) => !(isPbxError(error) && error.kind === 'aborted'),
      retryDelay: pollRetryDelay,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
    }),
}
