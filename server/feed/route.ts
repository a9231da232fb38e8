// POST /api/pbx/subscribe (docs/architecture.md): the browser's long poll, same contract as the PBX's
// subscribe, answered by the feed hub from its log, limited to what the user may watch. A Fastify plugin
// the app registers with its hub; `watchOf` says what a request's user may watch (null: not signed in).
import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { ExtensionSet, FeedHub } from '../types.ts'

export interface FeedRouteOptions {
  hub: FeedHub
  /** What this request's user may watch; null when not signed in. Default: `request.user?.watch`. */
  watchOf?: (request: FastifyRequest) => ExtensionSet | null
}

const bare = (ext: string) => ext.trim().replace(/^[A-Za-z][A-Za-z0-9]*\//, '')
const digits = (v: unknown, fallback: number) => (typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : fallback)

export const feedRoute: FastifyPluginAsync<FeedRouteOptions> = async (app, o) => {
  const watchOf = o.watchOf ?? ((r: FastifyRequest) => r.user?.watch ?? null)
  // The panel posts form-encoded with an empty body: Fastify would answer 415 without a parser.
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded'))
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, _body, done) =>
      done(null, undefined),
    )

  app.post('/api/pbx/subscribe', async (request, reply) => {
    const watch = watchOf(request)
    if (!watch) return reply.code(401).send({ error: 'unauthenticated', message: 'Sign in to see calls' })
    const q = (request.query ?? {}) as Record<string, unknown>
    const asked = typeof q.exten === 'string' ? q.exten.split(',').map(bare).filter(Boolean) : []
    if (asked.length === 0 || asked.length > 5000)
      return reply.code(400).send({ error: 'bad-request', message: 'exten: one or more extensions, comma-separated' })
    const exts = watch.all ? asked : asked.filter((e) => watch.exts.has(e))
    // request.signal fires once a form-encoded body is read; the socket closing is what says the browser left.
    const gone = new AbortController()
    reply.raw.on('close', () => {
      if (!reply.raw.writableEnded) gone.abort()
    })
    const r = await o.hub.poll({
      exts,
      cursor: digits(q.lastSequenceNumber, 0),
      timeoutSec: digits(q.timeOut, 10),
      signal: gone.signal,
    })
    return reply
      .code(r.status)
      .headers(r.headers ?? {})
      .send(r.body)
  })
}
