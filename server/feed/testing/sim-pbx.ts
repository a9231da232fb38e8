// CallPbx for tests and benchmarks: the simulator model called directly, or a PBX over HTTP (the
// simulator's server). They throw what server/pbx/'s PbxCallError carries (kind, status, errno, code,
// pbxMessage, message), so the feed is tested against the same failures the real client reports.
import type { PbxSimulator, SimReply } from '../../../sim/pbx-simulator.ts'
import type { CallPbx, PbxFailureKind } from '../../types.ts'

export class TestPbxError extends Error {
  constructor(
    readonly kind: PbxFailureKind,
    message: string,
    readonly detail: { status?: number; errno?: string; code?: number; pbxMessage?: string } = {},
  ) {
    super(message)
    Object.assign(this, detail)
  }
}

type Reply = Record<string, unknown> & { Code: number }

function fromBody(status: number, text: string): Reply {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    if (status < 200 || status > 299) throw new TestPbxError('http', `The PBX answered HTTP ${status}`, { status })
    throw new TestPbxError(
      'not-json',
      /^\s*</.test(text) ? 'The PBX sent an HTML page instead of JSON' : 'The PBX sent a reply that is not JSON',
    )
  }
  const o = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>
  const code = typeof o.Code === 'number' ? o.Code : undefined
  if (status < 200 || status > 299)
    throw new TestPbxError('http', `The PBX answered HTTP ${status}`, {
      status,
      code,
      pbxMessage: typeof o.Message === 'string' ? o.Message : undefined,
    })
  if (code === undefined) throw new TestPbxError('not-json', 'The PBX reply has no Code')
  return o as Reply
}

const deadline = (signal: AbortSignal | undefined, timeoutMs: number | undefined) => {
  const ctl = new AbortController()
  const timer = timeoutMs ? setTimeout(() => ctl.abort(), timeoutMs) : undefined
  return {
    signal: signal ? AbortSignal.any([signal, ctl.signal]) : ctl.signal,
    timedOut: () => ctl.signal.aborted,
    done: () => clearTimeout(timer),
  }
}

/** The simulator model as the PBX, no sockets: a `reset` is a network failure, a `hang` waits for the deadline. */
export function simCallPbx(sim: PbxSimulator, apiKey = sim.apiKey): CallPbx {
  const call: CallPbx = async (method, params, opts = {}) => {
    const d = deadline(opts.signal, opts.timeoutMs)
    try {
      const q = new URLSearchParams({ ...params, apiKey })
      const reply: SimReply = await sim.handle('POST', method, q, d.signal)
      if (reply.kind === 'reset') throw new TestPbxError('network', 'socket hang up', { errno: 'ECONNRESET' })
      if (reply.kind === 'hang')
        await new Promise((_, reject) => {
          const fail = () =>
            reject(
              d.timedOut()
                ? new TestPbxError('timeout', 'No reply from the PBX in time')
                : new TestPbxError('aborted', 'aborted'),
            )
          if (d.signal.aborted) fail()
          d.signal.addEventListener('abort', fail, { once: true })
        })
      if (reply.kind !== 'http') throw new TestPbxError('network', 'unexpected', { errno: 'EPROTO' })
      if (d.signal.aborted) throw new TestPbxError(d.timedOut() ? 'timeout' : 'aborted', 'aborted')
      return fromBody(reply.status, reply.body)
    } finally {
      d.done()
    }
  }
  // A restart closes "the connection" of each client: the upstream hears of it as from the real client.
  return Object.assign(call, { onClose: (listener: () => void) => sim.onClose(listener) })
}

/** A PBX over HTTP (the simulator's server): for the two-process test and the benchmark. */
export function httpCallPbx(baseUrl: string, apiKey: string): CallPbx {
  return async (method, params, opts = {}) => {
    const d = deadline(opts.signal, opts.timeoutMs)
    const q = new URLSearchParams({ ...params, apiKey })
    try {
      let res: Response
      let text: string
      try {
        res = await fetch(`${baseUrl}/servicemanager/rest/CallManagementAPI/${method}?${q}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
          redirect: 'manual',
          signal: d.signal,
        })
        text = await res.text()
      } catch (e) {
        if (d.timedOut()) throw new TestPbxError('timeout', 'No reply from the PBX in time')
        if (opts.signal?.aborted) throw new TestPbxError('aborted', 'aborted')
        const errno = ((e as { cause?: { code?: string } }).cause?.code ?? 'ECONNRESET').toUpperCase()
        throw new TestPbxError('network', 'Cannot reach the PBX', { errno })
      }
      return fromBody(res.status, text)
    } finally {
      d.done()
    }
  }
}
