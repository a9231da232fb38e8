// The records API (docs/architecture.md): an agent's history, a supervisor's reports and CSV, today's
// figures. Rights are checked here on every request, from request.user: history covers the extensions the
// user acts on; reports and figures the ones they may watch; reports need a supervisor.
import { Readable } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { errorBody, type ErrorWord } from '../http-errors.ts'
import type { ExtensionSet, SessionUser } from '../types.ts'
import { daysBetween, isDay } from './days.ts'
import type { Exts } from './queries.ts'
import type { Records } from './records.ts'

const MAX_DAYS = 366
const extsOf = (set: ExtensionSet): Exts => (set.all ? 'all' : [...set.exts])

type Query = Record<string, unknown>

export async function recordsRoutes(app: FastifyInstance, opts: { records?: Records }) {
  const { records } = opts

  const refuse = (reply: FastifyReply, status: 401 | 403 | 503, word: ErrorWord, message: string) => {
    void reply.code(status).send(errorBody(word, message))
    return null
  }

  /** Signed in (and a supervisor when asked), with records open; otherwise the refusal is sent. */
  function who(request: FastifyRequest, reply: FastifyReply, supervisor = false): SessionUser | null {
    const user = request.user
    if (!user) return refuse(reply, 401, 'unauthenticated', 'Sign in to use Switchboard')
    if (supervisor && !user.supervisor) return refuse(reply, 403, 'forbidden', 'Reports are for supervisors')
    if (!records) return refuse(reply, 503, 'unavailable', 'Call records are not kept by this server')
    return user
  }

  /** from/to as days in the server's time zone; today by default. A sentence when they are wrong. */
  function range(q: Query): { from: string; to: string } | string {
    const today = records!.today()
    const from = typeof q.from === 'string' && q.from ? q.from : today
    const to = typeof q.to === 'string' && q.to ? q.to : from === today ? today : from
    if (!isDay(from) || !isDay(to)) return 'from and to are dates written YYYY-MM-DD'
    if (from > to) return 'from must not be after to'
    if (daysBetween(from, to) > MAX_DAYS) return `A report covers at most ${MAX_DAYS} days`
    return { from, to }
  }

  app.get('/api/history', { config: { access: 'user' } }, async (request, reply) => {
    const user = who(request, reply)
    if (!user) return reply
    const raw = (request.query as Query).limit
    const limit = raw === undefined ? 50 : Number(raw)
    if (!Number.isInteger(limit) || limit < 1 || limit > 500)
      return reply.code(400).send(errorBody('bad-request', 'limit: a whole number from 1 to 500'))
    return { calls: await records!.history(extsOf(user.act), limit) }
  })

  app.get('/api/reports', { config: { access: 'supervisor' } }, async (request, reply) => {
    const user = who(request, reply, true)
    if (!user) return reply
    const r = range(request.query as Query)
    if (typeof r === 'string') return reply.code(400).send(errorBody('bad-request', r))
    return records!.report(extsOf(user.watch), r.from, r.to)
  })

  app.get('/api/reports/calls.csv', { config: { access: 'supervisor' } }, async (request, reply) => {
    const user = who(request, reply, true)
    if (!user) return reply
    const r = range(request.query as Query)
    if (typeof r === 'string') return reply.code(400).send(errorBody('bad-request', r))
    return reply
      .type('text/csv; charset=utf-8; header=present')
      .header('Content-Disposition', `attachment; filename="switchboard-calls-${r.from}-to-${r.to}.csv"`)
      .send(Readable.from(records!.csv(extsOf(user.watch), r.from, r.to)))
  })

  app.get('/api/figures/today', { config: { access: 'user' } }, async (request, reply) => {
    const user = who(request, reply)
    if (!user) return reply
    return records!.figuresToday(extsOf(user.watch))
  })
}
