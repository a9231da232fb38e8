// STAND-IN until server/feed/ (createFeedHub, issue 15) lands on main: each browser poll passes through to
// the PBX's subscribe (as the old proxy did, but built by the PBX client), and the calls seen in replies are
// remembered for answer/hang-up rights. Same options as createFeedHub; removed when main has the real hub.
import type { Logger } from 'pino'
import type { CallPbx, FeedHub, FeedReply, KnownCall } from './types.ts'

export interface FeedHubOptions {
  callPbx: CallPbx
  extensions: readonly string[]
  dynamic?: boolean
  redis?: string
  logger: Logger
}

const ENDED = new Set(['Hungup', 'Busy', 'No Answer'])
const json = (status: number, body: unknown, headers: Record<string, string> = {}): FeedReply => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
})

function failureReply(e: unknown): FeedReply {
  const err = (typeof e === 'object' && e ? e : {}) as {
    kind?: string
    status?: number
    errno?: string
    code?: number
    pbxMessage?: string
    message?: string
  }
  const text = (status: number, body: string, headers: Record<string, string> = {}): FeedReply => ({
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
    body,
  })
  switch (err.kind) {
    case 'http': {
      const status = err.status && err.status >= 400 && err.status <= 599 ? err.status : 502
      return err.code !== undefined
        ? json(status, { Code: err.code, Message: err.pbxMessage })
        : text(status, `HTTP ${status}`)
    }
    case 'not-json':
      return /html/i.test(err.message ?? '')
        ? {
            status: 200,
            headers: { 'content-type': 'text/html' },
            body: '<html><body>The PBX sent an HTML page</body></html>',
          }
        : text(200, '{"PBX reply":"not valid JSON"')
    case 'timeout':
      return text(504, 'No reply from the PBX in time', { 'X-Switchboard-Proxy': 'ETIMEDOUT' })
    case 'redirect':
      return text(502, 'The PBX answered with a redirect', { 'X-Switchboard-Proxy': 'redirect' })
    default: {
      const errno = err.errno && /^[A-Z0-9_]{2,40}$/.test(err.errno) ? err.errno : 'ECONNREFUSED'
      return text(502, `Cannot reach the PBX: ${errno}`, { 'X-Switchboard-Proxy': errno })
    }
  }
}

export function createFeedHub(o: FeedHubOptions): FeedHub {
  const calls = new Map<string, Map<string, string>>()
  const held = new Set<AbortController>()
  let ok = true
  let closed = false

  const remember = (data: unknown) => {
    if (typeof data !== 'object' || !data) return
    for (const [ext, events] of Object.entries(data as Record<string, unknown>)) {
      for (const ev of Array.isArray(events) ? events : [events]) {
        const cd = (ev as { CallData?: { uniqueCallId?: unknown; status?: unknown } } | null)?.CallData
        if (typeof cd?.uniqueCallId !== 'string' || typeof cd.status !== 'string') continue
        const legs = calls.get(cd.uniqueCallId) ?? new Map<string, string>()
        legs.set(ext, cd.status)
        if ([...legs.values()].every((s) => ENDED.has(s))) calls.delete(cd.uniqueCallId)
        else calls.set(cd.uniqueCallId, legs)
      }
    }
    if (calls.size > 10_000) calls.delete(calls.keys().next().value!)
  }

  return {
    async poll(req) {
      if (closed) return json(200, { Data: {}, seq: req.cursor, Code: 0 })
      const ac = new AbortController()
      held.add(ac)
      const onAbort = () => ac.abort()
      req.signal.addEventListener('abort', onAbort)
      try {
        const reply = await o.callPbx(
          'subscribe',
          { exten: req.exts.join(','), lastSequenceNumber: String(req.cursor), timeOut: String(req.timeoutSec) },
          { signal: ac.signal, timeoutMs: req.timeoutSec * 1000 + 10_000 },
        )
        ok = true
        remember(reply.Data)
        return json(200, reply)
      } catch (e) {
        if (closed || req.signal.aborted) return json(200, { Data: {}, seq: req.cursor, Code: 0 })
        ok = false
        o.logger.warn({ err: (e as Error).message }, 'PBX subscribe failed')
        return failureReply(e)
      } finally {
        held.delete(ac)
        req.signal.removeEventListener('abort', onAbort)
      }
    },
    call(id): KnownCall | undefined {
      const legs = calls.get(id)
      return legs ? { uniqueCallId: id, legs } : undefined
    },
    ready: () => ok && !closed,
    async close() {
      closed = true
      for (const ac of held) ac.abort()
    },
  }
}
