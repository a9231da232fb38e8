// The browser's PBX API (docs/architecture.md): POST /api/pbx/<method>. Each route reads the parameters it
// knows from the query string, checks them against the user's rights (can()) and what the feed has seen, and
// calls the PBX through the one client; nothing of the browser's request is forwarded.
import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { FEED_RETRY_PATH } from '../../src/features/pbx/feed-contract.ts'
import { can } from '../auth/rights.ts'
import type { Config } from '../config.ts'
import { errorBody } from '../http-errors.ts'
import type { Action, CallPbx, FeedHub, PbxMethod, SessionUser } from '../types.ts'
import { isSafeValue, PbxCallError } from './pbx-client.ts'

export interface PbxRoutesOptions {
  config: Config
  callPbx: CallPbx
  feed: FeedHub
  simulated: boolean
}

/** An extension as the panel writes it (`410`, `SIP/410`); rights are kept on the bare one. */
const EXTEN = /^(?:[A-Za-z][A-Za-z0-9]{0,7}\/)?([\w*#+-]{1,40})$/
const CALL_ID = /^[\w.-]{1,80}$/
const NUMBER = /^\+?[\d*#]{1,32}$/
/** The contract's auto-answer SIP headers: anything else would be a header of the browser's choosing. */
const ANSWER_HEADERS = new Set(['Call-info:answer-after=0', 'Alert-Info: Ring Answer', 'Call-Info:\\; answer-after=0'])
const TEXT = (v: string) => v.length <= 80 && isSafeValue(v)
const MAX_WATCH = 5000

type Query = Record<string, string | string[] | undefined>
const one = (q: Query, k: string): string | undefined => {
  const v = q[k]
  return typeof v === 'string' ? v : undefined
}
const bare = (ext: string) => EXTEN.exec(ext)?.[1]

function refuse(reply: FastifyReply, status: 400 | 401 | 403 | 429, message: string) {
  const word =
    status === 400
      ? 'bad-request'
      : status === 401
        ? 'unauthenticated'
        : status === 429
          ? 'too-many-polls'
          : 'forbidden'
  return reply.code(status).send(errorBody(word, message))
}

export async function pbxRoutes(app: FastifyInstance, opts: PbxRoutesOptions) {
  const { config, callPbx, feed } = opts
  const limits = config.limits
  const localDev = config.signIn === 'local-dev'
  const held = { total: 0, byUser: new Map<string, number>(), bySession: new Map<string, number>() }
  const bump = (m: Map<string, number>, k: string, d: number) => {
    const n = (m.get(k) ?? 0) + d
    if (n <= 0) m.delete(k)
    else m.set(k, n)
  }

  // On send, so the guard's refusals (an earlier hook) carry them too.
  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('Cache-Control', 'no-store')
    // The panel says so on screen: demo calls must never pass for real ones.
    if (opts.simulated) reply.header('X-Switchboard-Simulator', '1')
    done(null, payload)
  })

  /** One audit line per action, refused or not: who, what, where, and what the PBX said. */
  const audit = (request: FastifyRequest, action: PbxMethod, fields: Record<string, unknown>) =>
    request.log.info({ audit: { user: request.user?.name ?? null, action, ...fields } }, `audit ${action}`)

  /** The one rights check: signed in, and may do `action` on `ext`. Sends the refusal and returns false otherwise. */
  function allowed(
    request: FastifyRequest,
    reply: FastifyReply,
    action: Action,
    ext: string,
  ): request is FastifyRequest & { user: SessionUser } {
    if (!request.user) {
      void refuse(reply, 401, 'Sign in to use Switchboard')
      return false
    }
    if (!can(request.user, action, ext)) {
      const verb = {
        watch: 'watch',
        answer: 'answer on',
        hangup: 'hang up on',
        dial: 'dial from',
        record: 'record on',
      }[action]
      void refuse(reply, 403, `You may not ${verb} extension ${ext}`)
      return false
    }
    return true
  }

  /** The user's extensions (act) among a call's legs the feed has seen. */
  const actLegOf = (user: SessionUser, uniqueCallId: string, action: Action): string | undefined => {
    const call = feed.call(uniqueCallId)
    if (!call) return undefined
    for (const ext of call.legs.keys()) if (can(user, action, ext)) return ext
    return undefined
  }

  async function send(
    request: FastifyRequest,
    reply: FastifyReply,
    method: Exclude<PbxMethod, 'subscribe'>,
    params: Record<string, string>,
    fields: Record<string, unknown>,
  ) {
    try {
      const r = await callPbx(method, params, { timeoutMs: limits.pbxTimeoutMs })
      const out: Record<string, unknown> = { Code: r.Code }
      if (typeof r.Message === 'string') out.Message = r.Message
      if (method === 'dial' && (typeof r.SessionID === 'string' || typeof r.SessionID === 'number'))
        out.SessionID = r.SessionID
      audit(request, method, {
        ...fields,
        outcome: r.Code < 0 ? 'pbx-refused' : 'ok',
        code: r.Code,
        message: out.Message,
      })
      return reply.send(out)
    } catch (e) {
      if (!(e instanceof PbxCallError)) throw e
      audit(request, method, {
        ...fields,
        outcome: 'pbx-failed',
        failure: e.kind,
        status: e.status,
        message: e.message,
      })
      if (e.kind === 'network' && e.errno) reply.header('X-Switchboard-Proxy', e.errno)
      return reply.code(502).send(errorBody('pbx', e.message))
    }
  }

  const route = (
    method: PbxMethod,
    handler: (request: FastifyRequest, reply: FastifyReply, q: Query) => Promise<unknown>,
  ) =>
    app.post(
      `/api/pbx/${method}`,
      // The long poll: every PBX event ends a held poll per browser, and two info lines each (incoming,
      // completed — key-scrubbed, redacted, written synchronously) were most of a fan-out's cost; warnings
      // and errors are still logged.
      { config: { access: method }, ...(method === 'subscribe' ? { logLevel: 'warn' } : {}) },
      async (request, reply) =>
        // A stranger learns nothing, not even which parameters are wrong.
        request.user
          ? handler(request, reply, request.query as Query)
          : refuse(reply, 401, 'Sign in to use Switchboard'),
    )

  route('subscribe', async (request, reply, q) => {
    if (!request.user) return refuse(reply, 401, 'Sign in to use Switchboard')
    const raw = one(q, 'exten') ?? ''
    const exts = [
      ...new Set(
        raw
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean),
      ),
    ]
    if (!exts.length || exts.length > MAX_WATCH)
      return refuse(reply, 400, 'exten: one or more extensions, comma-separated')
    const bares: string[] = []
    for (const e of exts) {
      const b = bare(e)
      if (!b) return refuse(reply, 400, `exten: "${e.slice(0, 40)}" is not an extension`)
      bares.push(b)
    }
    const cursorRaw = one(q, 'lastSequenceNumber')
    if (!cursorRaw || !/^\d{1,16}$/.test(cursorRaw))
      return refuse(reply, 400, 'lastSequenceNumber: a number (0 for a snapshot)')
    const timeRaw = one(q, 'timeOut') ?? '10'
    if (!/^\d{1,6}$/.test(timeRaw)) return refuse(reply, 400, 'timeOut: a number of seconds')
    // Refused whole rather than answered in part: a panel asking for more than it may see is out of date
    // with the user's rights, and says so (the message names what was refused).
    const denied = bares.filter((e) => !can(request.user, 'watch', e))
    if (denied.length) {
      const list = denied.slice(0, 10).join(', ') + (denied.length > 10 ? ` and ${denied.length - 10} more` : '')
      return refuse(reply, 403, `You may not watch extension${denied.length > 1 ? 's' : ''} ${list}`)
    }

    const user = request.user.name
    const session = localDev
      ? ''
      : createHash('sha256')
          .update(request.headers.cookie ?? request.ip)
          .digest('base64url')
    if (
      held.total >= limits.pollsTotal ||
      (!localDev && (held.byUser.get(user) ?? 0) >= limits.pollsPerUser) ||
      (!localDev && (held.bySession.get(session) ?? 0) >= limits.pollsPerSession)
    )
      return refuse(reply, 429, 'Too many open feeds: close other Switchboard tabs, or wait a moment')

    held.total += 1
    bump(held.byUser, user, 1)
    bump(held.bySession, session, 1)
    // The client went away: `request.signal` would fire as soon as the body is read, so watch the reply.
    const gone = new AbortController()
    const onClose = () => {
      if (!reply.raw.writableEnded) gone.abort()
    }
    reply.raw.on('close', onClose)
    try {
      const r = await feed.poll({
        exts: bares,
        cursor: Number(cursorRaw),
        timeoutSec: Math.min(Number(timeRaw), limits.maxPollSec),
        signal: gone.signal,
      })
      if (r.headers) reply.headers(r.headers)
      return reply.code(r.status).send(r.body)
    } finally {
      reply.raw.off('close', onClose)
      held.total -= 1
      bump(held.byUser, user, -1)
      bump(held.bySession, session, -1)
    }
  })

  // Retry now: the upstream tries the PBX now while the feed is down (at most once a second, server-wide).
  app.post(FEED_RETRY_PATH, { config: { access: 'user' } }, async (request, reply) => {
    if (!request.user) return refuse(reply, 401, 'Sign in to use Switchboard')
    feed.retry()
    return reply.code(204).send()
  })

  route('answer', async (request, reply, q) => {
    const uniqueId = one(q, 'uniqueId') ?? ''
    const exten = one(q, 'exten') ?? ''
    const answerString = one(q, 'answerString') ?? ''
    const ext = bare(exten)
    if (!CALL_ID.test(uniqueId) || !ext) return refuse(reply, 400, 'answer: uniqueId and exten are required')
    if (!ANSWER_HEADERS.has(answerString))
      return refuse(reply, 400, 'answer: answerString is not a known handset header')
    const fields = { ext, uniqueCallId: uniqueId }
    if (!allowed(request, reply, 'answer', ext)) return audit(request, 'answer', { ...fields, outcome: 'refused' })
    if (feed.call(uniqueId)?.legs.get(ext) !== 'Ringing') {
      audit(request, 'answer', { ...fields, outcome: 'refused', reason: 'not ringing there' })
      return refuse(reply, 403, `That call is not ringing on extension ${ext}`)
    }
    return send(request, reply, 'answer', { uniqueId, exten, answerString }, fields)
  })

  route('hangup', async (request, reply, q) => {
    const id = one(q, 'extenOrUniqueId') ?? ''
    if (!CALL_ID.test(id)) return refuse(reply, 400, 'hangup: extenOrUniqueId (the call) is required')
    if (!request.user) return refuse(reply, 401, 'Sign in to use Switchboard')
    const ext = actLegOf(request.user, id, 'hangup')
    if (!ext) {
      audit(request, 'hangup', { uniqueCallId: id, outcome: 'refused', reason: 'not a call on your extensions' })
      return refuse(reply, 403, 'That call is not on one of your extensions')
    }
    if (!allowed(request, reply, 'hangup', ext)) return
    return send(request, reply, 'hangup', { extenOrUniqueId: id }, { ext, uniqueCallId: id })
  })

  route('dial', async (request, reply, q) => {
    const number = (one(q, 'number') ?? '').replace(/[\s().-]/g, '')
    const from = one(q, 'extenOrUniqueId') ?? ''
    const ext = bare(from)
    if (!NUMBER.test(number)) return refuse(reply, 400, 'dial: number must be digits, * and #, optionally after a +')
    if (!ext) return refuse(reply, 400, 'dial: extenOrUniqueId (the extension to dial from) is required')
    const fields = { ext, number }
    if (!allowed(request, reply, 'dial', ext)) return audit(request, 'dial', { ...fields, outcome: 'refused' })
    const params: Record<string, string> = { number, extenOrUniqueId: from }
    for (const k of ['callerId', 'phoneCaption', 'autoAnswer', 'monitored', 'record', 'tag']) {
      const v = one(q, k)
      if (v === undefined) continue
      if (!TEXT(v)) return refuse(reply, 400, `dial: ${k} is too long or holds control characters`)
      params[k] = v
    }
    if (params.autoAnswer !== undefined && !ANSWER_HEADERS.has(params.autoAnswer))
      return refuse(reply, 400, 'dial: autoAnswer is not a known handset header')
    const verdict = await app.auth.checkDial(request.user, number)
    if (!verdict.ok) {
      audit(request, 'dial', { ...fields, outcome: 'refused', reason: verdict.message })
      return reply.code(verdict.status).send(errorBody(verdict.error, verdict.message))
    }
    return send(request, reply, 'dial', params, fields)
  })

  for (const method of ['start', 'stop'] as const)
    route(method, async (request, reply, q) => {
      const target = one(q, 'extenOrUniqueId') ?? ''
      if (!CALL_ID.test(target) && !bare(target)) return refuse(reply, 400, `${method}: extenOrUniqueId is required`)
      if (!request.user) return refuse(reply, 401, 'Sign in to use Switchboard')
      // A call the feed has seen on one of the user's extensions, or one of the user's extensions itself.
      const ext = actLegOf(request.user, target, 'record') ?? (feed.call(target) ? undefined : bare(target))
      if (!ext) {
        audit(request, method, { uniqueCallId: target, outcome: 'refused', reason: 'not a call on your extensions' })
        return refuse(reply, 403, 'That call is not on one of your extensions')
      }
      if (!allowed(request, reply, 'record', ext)) return audit(request, method, { ext, outcome: 'refused' })
      // The owner the PBX checks on stop: the signed-in user. Only the local developer (who may act as anyone
      // on this machine) names another, as Settings' agent login name.
      const asked = one(q, 'agentLoginName')
      const agentLoginName = localDev && asked && TEXT(asked) ? asked : request.user.name
      const params: Record<string, string> = { extenOrUniqueId: target, agentLoginName }
      if (method === 'start') {
        const tag = one(q, 'tag') ?? 'switchboard'
        if (!TEXT(tag)) return refuse(reply, 400, 'start: tag is too long or holds control characters')
        params.tag = tag
      }
      return send(request, reply, method, params, { ext, uniqueCallId: target, agentLoginName })
    })
}
