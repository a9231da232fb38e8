// An upstream failure as the browser would have read it from the PBX (docs/architecture.md): the same
// HTTP status, or the same negative Code and Message; a network failure as 502 with the errno in
// X-Switchboard-Proxy. The panel's pbx-client turns these into its status line unchanged. Never the key:
// only the PBX's status, its Code and its Message (a PBX's words) are carried, never a URL.
import type { FeedReply, PbxFailureKind } from '../types.ts'

/** What the feed reads of a PbxCallError (server/pbx/): read defensively, any field may be missing. */
export interface UpstreamError {
  kind?: PbxFailureKind
  status?: number
  errno?: string
  /** The PBX's own Code and Message when its error body was JSON. */
  code?: number
  pbxMessage?: string
  message?: string
}

const asError = (e: unknown): UpstreamError => (typeof e === 'object' && e !== null ? (e as UpstreamError) : {})

/** The ways PBX messages say a key was refused (as src/features/pbx/pbx-client.ts reads them). */
export const AUTH_WORDS =
  /api[ _-]?key|\b(?:invalid|wrong|bad|missing|unknown|expired|no) key\b|auth|forbidden|access denied|whitelist|licen[cs]e/i

const plain = (status: number, text: string, headers: Record<string, string> = {}): FeedReply => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body: text,
})

const pbxJson = (status: number, code: number, message: string | undefined): FeedReply => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  body: JSON.stringify(message === undefined ? { Code: code } : { Code: code, Message: message }),
})

/** A PBX reply with a negative Code (HTTP 200): mirrored as is. */
export const refusalReply = (code: number, message: string | undefined): FeedReply => pbxJson(200, code, message)

/** A PBX reply we could not read as a subscribe reply (no seq, Data not a map): the panel says so. */
export const wrongShapeReply = (code: number): FeedReply => pbxJson(200, code, undefined)

/** A thrown PBX client error, as the panel would have seen it from the PBX. */
export function failureReply(e: unknown): FeedReply {
  const err = asError(e)
  switch (err.kind) {
    case 'http': {
      const status = err.status && err.status >= 400 && err.status <= 599 ? err.status : 502
      if (err.code !== undefined) return pbxJson(status, err.code, err.pbxMessage)
      return plain(status, `HTTP ${status}`)
    }
    case 'not-json':
      // The panel tells an HTML page (a wrong URL, a login page) from broken JSON by the first byte.
      return /html/i.test(err.message ?? '')
        ? {
            status: 200,
            headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' },
            body: '<html><body>The PBX sent an HTML page</body></html>',
          }
        : plain(200, '{"PBX reply":"not valid JSON"')
    case 'timeout':
      return plain(504, 'No reply from the PBX in time', { 'X-Switchboard-Proxy': 'ETIMEDOUT' })
    case 'redirect':
      return plain(502, 'The PBX answered with a redirect', { 'X-Switchboard-Proxy': 'redirect' })
    default: {
      const errno = err.errno && /^[A-Z0-9_]{2,40}$/.test(err.errno) ? err.errno : 'ECONNREFUSED'
      return plain(502, `Cannot reach the PBX: ${errno}`, { 'X-Switchboard-Proxy': errno })
    }
  }
}

/** A refused key: retried slowly, as the panel does. */
export function isKeyRefusal(e: unknown): boolean {
  const err = asError(e)
  if (err.kind === 'http' && (err.status === 401 || err.status === 403)) return true
  return err.kind === 'http' && err.code !== undefined && err.code < 0 && AUTH_WORDS.test(err.pbxMessage ?? '')
}

/** The PBX answered, with an error Code: twice in a row and the cursor may be one it forgot. */
export function isRefusal(e: unknown): boolean {
  const err = asError(e)
  return err.kind === 'http' && err.code !== undefined && err.code < 0
}
