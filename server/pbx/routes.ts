// The browser's PBX API (docs/architecture.md): POST /api/pbx/<method>. Each route reads the parameters it
// knows from the query string, checks them against the user's rights (can()) and what the feed has seen, and
// calls the PBX through the one client; nothing of the browser's request is forwarded.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { FEED_RETRY_PATH } from '../../src/features/pbx/feed-contract.ts'
import { audit, type AuditAction, type AuditOutcome } from '../audit.ts'
import { can, dialledNumber, legOnCall } from '../auth/rights.ts'
import type { Config } from '../config.ts'
import { errorBody, type ErrorWord } from '../http-errors.ts'
import type { Action, CallPbx, FeedHub, PbxMethod } from '../types.ts'
import { isSafeValue, PbxCallError } from './pbx-client.ts'

export interface PbxRoutesOptions {
  config: Config
  callPbx: CallPbx
  feed: FeedHub
  simulated: boolean
}

/** An extension as the panel writes it (`410`, `SIP/410`); rights are kept on the bare one. */
const EXTEN = /^(?:([A-Za-z][A-Za-z0-9]{0,7})\/)?([\w*#+-]{1,40})$/
/** The technologies a handset registers with; `DAHDI/400` or `Local/400` is another channel than extension 400. */
const TECHS = new Map(['SIP', 'PJSIP', 'IAX2'].map((t) => [t.toLowerCase(), t]))
const CALL_ID = /^[\w.-]{1,80}$/
/** The contract's auto-answer SIP headers: anything else would be a header of the browser's choosing. */
const ANSWER_HEADERS = new Set(['Call-info:answer-after=0', 'Alert-Info: Ring Answer', 'Call-Info:\\; answer-after=0'])
const TEXT = (v: string) => v.length <= 80 && isSafeValue(v)
const MAX_WATCH = 5000

type Query = Record<string, string | string[] | undefined>
const one = (q: Query, k: string): string | undefined => {
  const v = q[k]
  return typeof v === 'string' ? v : undefined
}
const bare = (ext: string) => EXTEN.exec(ext)?.[2]

/**
 * An extension as the rights see it (`ext`) and as the PBX is sent it (`channel`), built from those two, never
 * the browser's string: `410` stays `410`, `sip/410` is `SIP/410`; another technology is refused (undefined).
 */
function extension(raw: string): { ext: string; channel: string } | undefined {
  const m = EXTEN.exec(raw)
  if (!m) return undefined
  if (m[1] === undefined) return { ext: m[2], channel: m[2] }
  const tech = TECHS.get(m[1].toLowerCase())
  return tech ? { ext: m[2], channel: `${tech}/${m[2]}` } : undefined
}
const NOT_EXTEN = `is not an extension (digits, optionally after ${[...TECHS.values()].join('/, ')}/)`

const WORDS = { 400: 'bad-request', 401: 'unauthenticated', 403: 'forbidden', 429: 'too-many-polls' } as const
const OUTCOMES: Record<keyof typeof WORDS, AuditOutcome> = {
  400: 'bad-request',
  401: 'refused',
  403: 'refused',
  429: 'rate-limited',
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

  /** A refusal: one audit line (what was asked, and why not), then our JSON. */
  function refuse(
    request: FastifyRequest,
    reply: FastifyReply,
    action: AuditAction,
    what: string,
    status: keyof typeof WORDS,
    message: string,
    word: ErrorWord = WORDS[status],
  ) {
    audit(request, { action, what, outcome: OUTCOMES[status], message })
    return reply.code(status).send(errorBody(word, message))
  }

  const VERBS: Record<Action, string> = {
    watch: 'watch',
    answer: 'answer on',
    hangup: 'hang up on',
    dial: 'dial from',
    record: 'record on',
  }
  /** The rights check's refusal for `action` on `ext`, or null when the user may. */
  const rightsRefusal = (request: FastifyRequest, action: Action, ext: string) =>
    can(request.user, action, ext) ? null : `You may not ${VERBS[action]} extension ${ext}`

  async function send(
    request: FastifyRequest,
    reply: FastifyReply,
    action: AuditAction,
    what: string,
    method: Exclude<PbxMethod, 'subscribe'>,
    params: Record<string, string>,
    call: { uniqueCallId?: string; extension?: string } = {},
  ) {
    try {
      const r = await callPbx(method, params, { timeoutMs: limits.pbxTimeoutMs })
      const out: Record<string, unknown> = { Code: r.Code }
      if (typeof r.Message === 'string') out.Message = r.Message
      if (method === 'dial' && (typeof r.SessionID === 'string' || typeof r.SessionID === 'number'))
        out.SessionID = r.SessionID
      audit(request, {
        ...call,
        action,
        what,
        outcome: r.Code < 0 ? 'pbx-refused' : 'ok',
        code: r.Code,
        ...(typeof r.Message === 'string' ? { message: r.Message } : {}),
      })
      return reply.send(out)
    } catch (e) {
      if (!(e instanceof PbxCallError)) throw e
      audit(request, { action, what, outcome: 'pbx-failed', code: e.code, message: e.message })
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
      // and errors are still logged, and audit lines at their own level.
      { config: { access: method }, ...(method === 'subscribe' ? { logLevel: 'warn' } : {}) },
      async (request, reply) =>
        // A stranger learns nothing, not even which parameters are wrong; not audited (no user to name, and
        // an unsigned flood must not fill the audit trail).
        request.user
          ? handler(request, reply, request.query as Query)
          : reply.code(401).send(errorBody('unauthenticated', 'Sign in to use Switchboard')),
    )

  // Every poll is not audited (thousands a minute); every refusal is.
  route('subscribe', async (request, reply, q) => {
    const raw = one(q, 'exten') ?? ''
    const exts = [
      ...new Set(
        raw
          .split(',')
          .map((e) => e.trim())
          .filter(Boolean),
      ),
    ]
    const what = raw.slice(0, 200)
    const no = (status: keyof typeof WORDS, message: string) =>
      refuse(request, reply, 'subscribe', what, status, message)
    if (!exts.length || exts.length > MAX_WATCH) return no(400, 'exten: one or more extensions, comma-separated')
    const bares: string[] = []
    for (const e of exts) {
      const b = bare(e)
      if (!b) return no(400, `exten: "${e.slice(0, 40)}" is not an extension`)
      bares.push(b)
    }
    const cursorRaw = one(q, 'lastSequenceNumber')
    if (!cursorRaw || !/^\d{1,16}$/.test(cursorRaw)) return no(400, 'lastSequenceNumber: a number (0 for a snapshot)')
    const timeRaw = one(q, 'timeOut') ?? '10'
    if (!/^\d{1,6}$/.test(timeRaw)) return no(400, 'timeOut: a number of seconds')
    // Refused whole rather than answered in part: a panel asking for more than it may see is out of date
    // with the user's rights, and says so (the message names what was refused).
    const denied = bares.filter((e) => !can(request.user, 'watch', e))
    if (denied.length) {
      const list = denied.slice(0, 10).join(', ') + (denied.length > 10 ? ` and ${denied.length - 10} more` : '')
      return no(403, `You may not watch extension${denied.length > 1 ? 's' : ''} ${list}`)
    }

    const user = request.user!.name
    // The session from the signed cookie (the auth plugin's), not the Cookie header: padding it is no new session.
    const session = localDev ? '' : (request.sessionId ?? `ip:${request.ip}`)
    if (
      held.total >= limits.pollsTotal ||
      (!localDev && (held.byUser.get(user) ?? 0) >= limits.pollsPerUser) ||
      (!localDev && (held.bySession.get(session) ?? 0) >= limits.pollsPerSession)
    )
      return no(429, 'Too many open feeds: close other Switchboard tabs, or wait a moment')

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
    if (!request.user) return reply.code(401).send(errorBody('unauthenticated', 'Sign in to use Switchboard'))
    feed.retry()
    return reply.code(204).send()
  })

  route('answer', async (request, reply, q) => {
    const uniqueId = one(q, 'uniqueId') ?? ''
    const exten = one(q, 'exten') ?? ''
    const answerString = one(q, 'answerString') ?? ''
    const at = extension(exten)
    const what = `${uniqueId.slice(0, 80)} on ${at?.ext ?? exten.slice(0, 40)}`
    const no = (status: keyof typeof WORDS, message: string) => refuse(request, reply, 'answer', what, status, message)
    if (!CALL_ID.test(uniqueId) || !exten) return no(400, 'answer: uniqueId and exten are required')
    if (!at) return no(400, `answer: exten ${NOT_EXTEN}`)
    if (!ANSWER_HEADERS.has(answerString)) return no(400, 'answer: answerString is not a known handset header')
    const refusal = rightsRefusal(request, 'answer', at.ext)
    if (refusal) return no(403, refusal)
    if (feed.call(uniqueId)?.legs.get(at.ext) !== 'Ringing')
      return no(403, `That call is not ringing on extension ${at.ext}`)
    return send(
      request,
      reply,
      'answer',
      what,
      'answer',
      { uniqueId, exten: at.channel, answerString },
      { uniqueCallId: uniqueId, extension: at.ext },
    )
  })

  route('hangup', async (request, reply, q) => {
    const id = one(q, 'extenOrUniqueId') ?? ''
    const no = (status: keyof typeof WORDS, message: string) =>
      refuse(request, reply, 'hangup', id.slice(0, 80), status, message)
    if (!CALL_ID.test(id)) return no(400, 'hangup: extenOrUniqueId (the call) is required')
    const ext = legOnCall(request.user, 'hangup', feed.call(id))
    if (!ext) return no(403, 'That call is not on one of your extensions')
    return send(request, reply, 'hangup', `${id} on ${ext}`, 'hangup', { extenOrUniqueId: id })
  })

  route('dial', async (request, reply, q) => {
    const asked = one(q, 'number') ?? ''
    const from = one(q, 'extenOrUniqueId') ?? ''
    const at = extension(from)
    let what = `${asked.slice(0, 40)} from ${at?.ext ?? from.slice(0, 40)}`
    const no = (status: keyof typeof WORDS, message: string, word?: ErrorWord) =>
      refuse(request, reply, 'dial', what, status, message, word)
    if (!from) return no(400, 'dial: extenOrUniqueId (the extension to dial from) is required')
    if (!at) return no(400, `dial: extenOrUniqueId ${NOT_EXTEN}`)
    // The policy checks the number as the PBX will dial it (`+61 1900…` is a 1900 number).
    const parsed = dialledNumber(asked, config.dial)
    if (!parsed.ok) return no(parsed.status, parsed.message)
    const { number, dialled } = parsed
    what = `${number}${dialled === number ? '' : ` (dialled as ${dialled})`} from ${at.ext}`
    const refusal = rightsRefusal(request, 'dial', at.ext)
    if (refusal) return no(403, refusal)
    const params: Record<string, string> = { number, extenOrUniqueId: at.channel }
    for (const k of ['callerId', 'phoneCaption', 'autoAnswer', 'monitored', 'record', 'tag']) {
      const v = one(q, k)
      if (v === undefined) continue
      if (!TEXT(v)) return no(400, `dial: ${k} is too long or holds control characters`)
      params[k] = v
    }
    if (params.autoAnswer !== undefined && !ANSWER_HEADERS.has(params.autoAnswer))
      return no(400, 'dial: autoAnswer is not a known handset header')
    const verdict = await app.auth.checkDial(request.user!, dialled)
    if (!verdict.ok) return no(verdict.status, verdict.message, verdict.error)
    return send(request, reply, 'dial', what, 'dial', params)
  })

  for (const method of ['start', 'stop'] as const)
    route(method, async (request, reply, q) => {
      const action: AuditAction = method === 'start' ? 'record-start' : 'record-stop'
      const target = one(q, 'extenOrUniqueId') ?? ''
      const no = (status: keyof typeof WORDS, message: string, what = target.slice(0, 80)) =>
        refuse(request, reply, action, what, status, message)
      const call = CALL_ID.test(target) ? feed.call(target) : undefined
      // A call the feed has seen, on one of the user's extensions now; or one of the user's extensions itself.
      const asExten = call ? undefined : extension(target)
      if (!call && !asExten)
        return CALL_ID.test(target)
          ? no(403, 'That call is not on one of your extensions')
          : no(400, `${method}: extenOrUniqueId (a call, or an extension) is required`)
      const ext = call ? legOnCall(request.user, 'record', call) : asExten!.ext
      if (!ext) return no(403, 'That call is not on one of your extensions')
      const refusal = rightsRefusal(request, 'record', ext)
      if (refusal) return no(403, refusal, ext)
      // The owner the PBX checks on stop: the signed-in user. Only the local developer (who may act as anyone
      // on this machine) names another, as Settings' agent login name.
      const owner = one(q, 'agentLoginName')
      const agentLoginName = localDev && owner && TEXT(owner) ? owner : request.user!.name
      const params: Record<string, string> = { extenOrUniqueId: call ? target : asExten!.channel, agentLoginName }
      if (method === 'start') {
        const tag = one(q, 'tag') ?? 'switchboard'
        if (!TEXT(tag)) return no(400, 'start: tag is too long or holds control characters')
        params.tag = tag
      }
      return send(request, reply, action, call ? `${target} on ${ext}` : ext, method, params)
    })
}
