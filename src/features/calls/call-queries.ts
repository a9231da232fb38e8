import { queryOptions, type QueryClient } from '@tanstack/react-query'
import { MIN_POLL_PERIOD_MS, RESYNC_SEQ } from '../pbx/feed-contract.ts'
import { requestFeedRetry, subscribe } from '../pbx/pbx-client.ts'
import { describeError, isPbxError, PbxError } from '../pbx/pbx-error.ts'
import { fullJitterDelay } from '../../lib/backoff.ts'
import { recordDiag } from './diagnostics-store.ts'
import { extensionSet, nextRequest, useFeed, type Connection } from './feed-store.ts'
import { publishReply, publishStatus } from './tab-sync.ts'

/** Seconds the server may hold a poll. */
export const POLL_TIMEOUT_S = 25
/** The client gives up this long after the hold should have ended … */
export const CLIENT_GRACE_MS = 10_000
/** … but never sooner than this: a snapshot of a thousand extensions from a loaded PBX can take more than 10 s. */
export const MIN_DEADLINE_MS = 30_000
/** How long a poll that asked for a hold of `timeOut` seconds may take before it is given up. */
export const pollDeadlineMs = (timeOut: number) => Math.max(timeOut * 1000 + CLIENT_GRACE_MS, MIN_DEADLINE_MS)
/** After the server's own next try (`retryAt`), this long for it to finish before asking again. */
export const AFTER_SERVER_TRY_MS = 1000

/** Retry now's try comes within a second; until it has answered, the server's `retryAt` is the old one. */
export const RETRY_NOW_WINDOW_MS = 10_000

/**
 * The wait before the next try after `failures` failed polls in a row (pure; `random` is the jitter): a feed
 * the server says is down until its next try is asked again just after that try (each second for a while after
 * Retry now, whose try the server's old `retryAt` does not know of), else full jitter.
 */
export function pollRetryDelay(
  failures: number,
  error: PbxError,
  now: number,
  retryAskedAt = 0,
  random: () => number = Math.random,
): number {
  if (error.retryAt === undefined) return fullJitterDelay(failures, { random })
  if (retryAskedAt > 0 && now - retryAskedAt < RETRY_NOW_WINDOW_MS) return AFTER_SERVER_TRY_MS
  return Math.max(AFTER_SERVER_TRY_MS, error.retryAt - now + AFTER_SERVER_TRY_MS)
}

/** The wait the store decided at the failure (TanStack's retryDelay: reads, writes nothing). */
export const untilNextTry = (connection: Connection, now: number): number =>
  Math.max(0, (connection.nextRetryAt ?? now) - now)

const asPbxError = (e: unknown) => (isPbxError(e) ? e : new PbxError('network', String(e)))

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(t), reject(new PbxError('aborted', 'Request cancelled'))), {
      once: true,
    })
  })

/** One poll: the request comes from the feed's state, the reply (or the failure) goes back to it. */
async function pollOnce(exten: readonly string[], signal: AbortSignal): Promise<string> {
  // Paced from the store's clock: "Retry now" right after a reply still waits out the period.
  const request = () => nextRequest(useFeed.getState(), exten, MIN_POLL_PERIOD_MS, POLL_TIMEOUT_S)
  for (let wait = request().notBefore - Date.now(); wait > 0; wait = request().notBefore - Date.now())
    await pause(wait, signal)
  const { sent, timeOut } = request()
  useFeed.getState().pollSent(Date.now())
  // No cursor: a snapshot, asked the way the server says to take one.
  const cursor = sent.seq ?? String(RESYNC_SEQ)
  recordDiag('request', `subscribe lastSequenceNumber=${cursor} timeOut=${timeOut}`)
  let result
  try {
    result = await subscribe(
      { exten: [...exten], lastSequenceNumber: cursor, timeOut },
      { signal, timeoutMs: pollDeadlineMs(timeOut) },
    )
  } catch (e) {
    const error = asPbxError(e)
    // Cancelled (Retry now, a new list, unmount): not a fault of the feed.
    if (error.kind !== 'aborted' && !signal.aborted) {
      const feed = useFeed.getState()
      const now = Date.now()
      feed.pollFailed(error, now, pollRetryDelay(feed.failures, error, now, feed.retryAskedAt))
      publishStatus(useFeed.getState().connection)
    }
    throw error
  }
  if (signal.aborted) throw new PbxError('aborted', 'Superseded poll')
  // A large reply is read in slices: the contract's period runs from its arrival, not from the last slice.
  const now = result.receivedAt ?? Date.now()
  const feed = useFeed.getState()
  feed.replyReceived(sent, result, sent.watching === feed.watching ? feed.watched : extensionSet(sent.watching), now)
  publishReply(sent, result, now)
  return result.seq
}

export const callQueries = {
  all: () => ['calls'] as const,
  feedAll: () => [...callQueries.all(), 'feed'] as const,
  /**
   * The long poll for one extension list. Its key holds neither cursor nor counter: each poll is a
   * refetch, the next one started by refetchInterval once the last has settled and paced by pollOnce.
   */
  feed: (exten: readonly string[]) =>
    queryOptions({
      // The list joined: hashing a key calls a replacer per array element, 1,000 for a supervisor.
      queryKey: [...callQueries.feedAll(), exten.join(',')] as const,
      queryFn: ({ signal }) => pollOnce(exten, signal),
      staleTime: Infinity,
      gcTime: 0,
      // Half the period: the timer starts only once the observer hears of the reply (a batch later, after the
      // render), so the poll itself waits out the rest from the reply's own time (pollOnce) — 100 ms, not 112.
      refetchInterval: (query) => (query.state.fetchStatus === 'idle' ? MIN_POLL_PERIOD_MS / 2 : false),
      refetchIntervalInBackground: true,
      retry: (_count, error) => !(isPbxError(error) && error.kind === 'aborted'),
      retryDelay: () => untilNextTry(useFeed.getState().connection, Date.now()),
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
    }),
}

/** Retry now: ask the server to try the PBX at once, then poll (its failure is only noted: the poll says). */
export async function retryServerFeed(client: QueryClient): Promise<void> {
  await requestFeedRetry().catch((e: unknown) => recordDiag('fault', `Retry now: ${describeError(e)}`))
  await pollNow(client)
}

/** Resync, Retry now, online: drop the poll in flight (or the wait for the next try), then poll at once. */
export async function pollNow(client: QueryClient): Promise<void> {
  await client.cancelQueries({ queryKey: callQueries.feedAll() })
  void client.refetchQueries({ queryKey: callQueries.feedAll(), type: 'active' })
}
