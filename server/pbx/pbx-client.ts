// The one PBX client: every request the server sends the PBX is built here, from an allow-list of the
// six methods and their documented parameters (../shared/noojee-api.md). Nothing of a browser's request
// is forwarded; a redirect is never followed (it would carry the key); the key never leaves in an error.
import http from 'node:http'
import https from 'node:https'
import type { Socket } from 'node:net'
import type { CallPbx, PbxFailureKind, PbxMethod } from '../types.ts'

export const PBX_API_PATH = '/servicemanager/rest/CallManagementAPI/'

/** Each method and the parameters it may carry (besides apiKey, which only this module adds). */
export const PBX_METHODS: Readonly<Record<PbxMethod, readonly string[]>> = {
  subscribe: ['exten', 'lastSequenceNumber', 'timeOut'],
  answer: ['uniqueId', 'exten', 'answerString'],
  hangup: ['extenOrUniqueId'],
  dial: ['number', 'extenOrUniqueId', 'callerId', 'phoneCaption', 'autoAnswer', 'monitored', 'record', 'tag'],
  start: ['extenOrUniqueId', 'agentLoginName', 'tag'],
  stop: ['extenOrUniqueId', 'agentLoginName'],
}

/** A PBX call that ended without a JSON reply. The message never holds the key. */
export class PbxCallError extends Error {
  override name = 'PbxCallError'
  readonly kind: PbxFailureKind
  readonly status?: number
  readonly errno?: string
  /** The PBX's own Code and Message when an HTTP error carried them as JSON. */
  readonly code?: number
  readonly pbxMessage?: string
  constructor(
    kind: PbxFailureKind,
    message: string,
    extra: { status?: number; errno?: string; code?: number; pbxMessage?: string } = {},
  ) {
    super(message)
    this.kind = kind
    Object.assign(this, extra)
  }
}

export interface PbxClientOptions {
  /** The PBX's base URL (NOOJEE_URL), no trailing slash. */
  url: string
  apiKey: string
  insecureTls?: boolean
  /** Longest reply read (a subscribe for a thousand extensions is large; a runaway page is not). */
  maxReplyBytes?: number
  defaultTimeoutMs?: number
}

/** Any value we send: printable (no control character), bounded. */
export const isSafeValue = (v: string, max = 512) =>
  v.length <= max && ![...v].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)
/** subscribe's extension list: a supervisor may watch thousands. */
const MAX_EXTEN_LIST = 64 * 1024

/** Replace the key (as sent and URL-encoded) in any text from the PBX: an error page may echo the URL. */
export function scrubber(apiKey: string): (text: string) => string {
  const forms = [...new Set([apiKey, encodeURIComponent(apiKey), encodeURIComponent(encodeURIComponent(apiKey))])]
  return (text) => {
    let out = text
    for (const f of forms) out = out.split(f).join('[redacted]')
    return out.replace(/(api_?key=)[^&\s"'<]*/gi, '$1[redacted]')
  }
}

export function createPbxClient(opts: PbxClientOptions): CallPbx {
  const base = new URL(opts.url)
  const secure = base.protocol === 'https:'
  const agent = secure
    ? new https.Agent({ keepAlive: true, rejectUnauthorized: !opts.insecureTls, maxSockets: 64 })
    : new http.Agent({ keepAlive: true, maxSockets: 64 })
  const scrub = scrubber(opts.apiKey)
  const maxBytes = opts.maxReplyBytes ?? 32 * 1024 * 1024
  const basePath = base.pathname.replace(/\/+$/, '') + PBX_API_PATH
  // The PBX closing a connection a subscribe used (a restart closes them, also between two polls): the feed checks.
  const closeListeners = new Set<() => void>()
  const watched = new WeakSet<object>()
  const watch = (socket: Socket) => {
    if (watched.has(socket)) return
    watched.add(socket)
    // 'end': the PBX's FIN; 'error': its reset. Our own destroy (a timeout, an abort) emits neither.
    const closed = () => {
      // Dropped from the pool now: the next poll must not go out on a connection the PBX closed.
      socket.destroy()
      closeListeners.forEach((f) => f())
    }
    socket.once('end', closed)
    socket.once('error', closed)
  }

  const call: CallPbx = (method, params, callOpts = {}) => {
    const allowed = PBX_METHODS[method as PbxMethod] as readonly string[] | undefined
    if (!allowed || !Object.hasOwn(PBX_METHODS, method))
      return Promise.reject(new TypeError(`not a PBX method: ${String(method).slice(0, 40)}`))
    const query = new URLSearchParams()
    for (const [k, v] of Object.entries(params)) {
      if (!allowed.includes(k)) return Promise.reject(new TypeError(`${method} takes no parameter ${k.slice(0, 40)}`))
      if (typeof v !== 'string' || !isSafeValue(v, k === 'exten' && method === 'subscribe' ? MAX_EXTEN_LIST : 512))
        return Promise.reject(new TypeError(`${method}: parameter ${k} is not a short printable string`))
      query.set(k, v)
    }
    query.set('apiKey', opts.apiKey)
    const timeoutMs = callOpts.timeoutMs ?? opts.defaultTimeoutMs ?? 30_000
    const signal = callOpts.signal

    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new PbxCallError('aborted', 'Request cancelled'))
      let settled = false
      const fail = (e: PbxCallError) => {
        if (settled) return
        settled = true
        cleanup()
        req.destroy()
        reject(e)
      }
      const req = (secure ? https : http).request({
        protocol: base.protocol,
        hostname: base.hostname,
        port: base.port || undefined,
        // Commas as the vendor writes them (exten=400,410): a thousand extensions stay a third shorter in the URL.
        path: `${basePath}${method}?${query.toString().replace(/%2C/gi, ',')}`,
        method: 'POST',
        agent,
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          'Content-Length': '0',
          Accept: 'application/json',
        },
      })
      if (method === 'subscribe') req.on('socket', watch)
      const timer = setTimeout(
        () => fail(new PbxCallError('timeout', `No reply from the PBX within ${Math.round(timeoutMs / 1000)} s`)),
        timeoutMs,
      )
      const onAbort = () => fail(new PbxCallError('aborted', 'Request cancelled'))
      signal?.addEventListener('abort', onAbort, { once: true })
      const cleanup = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
      }
      req.on('error', (err: NodeJS.ErrnoException) => {
        const errno = err.code ?? 'ERROR'
        fail(new PbxCallError('network', `Cannot reach the PBX (${errno})`, { errno }))
      })
      req.on('response', (res) => {
        const status = res.statusCode ?? 0
        if (status >= 300 && status < 400) {
          // Never followed: the Location may hold our URL, key and all; it goes nowhere.
          res.resume()
          return fail(
            new PbxCallError('redirect', `The PBX answered with a redirect (HTTP ${status}); is NOOJEE_URL right?`, {
              status,
            }),
          )
        }
        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (c: Buffer) => {
          size += c.length
          if (size > maxBytes)
            return fail(new PbxCallError('not-json', 'The PBX sent a reply too large to read', { status }))
          chunks.push(c)
        })
        res.on('error', () =>
          fail(new PbxCallError('network', 'The PBX closed the connection mid-reply', { status, errno: 'ECONNRESET' })),
        )
        res.on('aborted', () =>
          fail(new PbxCallError('network', 'The PBX closed the connection mid-reply', { status, errno: 'ECONNRESET' })),
        )
        res.on('end', () => {
          if (settled) return
          const text = scrub(Buffer.concat(chunks).toString('utf8'))
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          const reply = isReply(json) ? json : undefined
          if (status < 200 || status >= 300) {
            const words = reply && typeof reply.Message === 'string' ? `: ${reply.Message.slice(0, 300)}` : ''
            return fail(
              new PbxCallError('http', `The PBX answered HTTP ${status}${words}`, {
                status,
                code: reply?.Code,
                pbxMessage: typeof reply?.Message === 'string' ? reply.Message.slice(0, 300) : undefined,
              }),
            )
          }
          if (!reply) {
            const html = /^\s*</.test(text)
            return fail(
              new PbxCallError(
                'not-json',
                html
                  ? 'The PBX sent an HTML page instead of JSON (a wrong NOOJEE_URL or a refused key can look like this)'
                  : json === undefined
                    ? 'The PBX sent a reply that is not valid JSON'
                    : 'The PBX reply has no Code field',
                { status },
              ),
            )
          }
          settled = true
          cleanup()
          resolve(reply)
        })
      })
      req.end()
    })
  }
  return Object.assign(call, {
    onClose: (listener: () => void) => {
      closeListeners.add(listener)
      return () => closeListeners.delete(listener)
    },
  })
}

function isReply(v: unknown): v is Record<string, unknown> & { Code: number } {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Number.isInteger((v as { Code?: unknown }).Code)
}
