// The browser↔server feed contract (docs/architecture.md, "The browser's API"): what the Switchboard server
// and the panel must agree on, written once and imported by both. Only the server speaks the PBX's contract.
// zod/mini: the panel imports these schemas too, and its bundle has a budget (120 KB gzip).
import { z } from 'zod/mini'

/** The PBX's minimum poll period: no poll is sent sooner than this after the previous reply. */
export const MIN_POLL_PERIOD_MS = 100

/** Statuses after which a call is over on that extension (14.0 Events). */
export const ENDED_STATUSES: ReadonlySet<string> = new Set(['Hungup', 'Busy', 'No Answer'])

/**
 * Why the server's feed cannot serve polls now:
 * - `key-refused`: the PBX refused the API key (a negative Code naming the key, or HTTP 401/403);
 * - `unreachable`: no connection, a reset, a redirect, or no reply before the server's deadline;
 * - `pbx-error`: the PBX answered, but with an HTTP error, an HTML page, bad JSON or a negative Code.
 */
export const FEED_DOWN_REASONS = ['key-refused', 'unreachable', 'pbx-error'] as const
export type FeedDownReason = (typeof FEED_DOWN_REASONS)[number]

/**
 * A browser subscribe the server cannot serve because its PBX feed is down: HTTP 503 with this body (and
 * `Retry-After`). `message` is a sentence for the status line, never holding the key; `retryAt` is when the
 * server will next try the PBX (epoch ms), so the panel can say "next try in N s".
 */
export const feedDownSchema = z.object({
  error: z.literal('feed-down'),
  reason: z.enum(FEED_DOWN_REASONS),
  message: z.string(),
  retryAt: z.optional(z.number()),
})
export type FeedDown = z.infer<typeof feedDownSchema>

/** Every other `/api` refusal: the server's status and this body. */
export const apiErrorSchema = z.object({ error: z.string(), message: z.string() })
export type ApiError = z.infer<typeof apiErrorSchema>

/**
 * A subscribe reply with `seq: 0` (and empty `Data`) tells the panel to take a snapshot
 * (`lastSequenceNumber=0`): its cursor is one the server's log no longer serves. `Message`, when present,
 * is the reason to show ("Resynchronised with the PBX: it restarted").
 */
export const RESYNC_SEQ = 0

/** `POST /api/feed/retry`: asks the server to try the PBX now (at most once a second); 204. */
export const FEED_RETRY_PATH = '/api/feed/retry'
