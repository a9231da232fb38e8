// Refusals that come before anything else looks at a request: cross-site requests (every non-GET needs
// Sec-Fetch-Site: same-origin — or, where a browser sends none, a matching Origin — and the panel's
// X-Switchboard header, which no cross-site page can send without a CORS preflight we never answer), and,
// with no accounts configured, anything not from this machine.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isLoopbackHost, type Config } from './config.ts'
import { errorBody } from './http-errors.ts'

const SAFE_METHODS = new Set(['GET', 'HEAD'])

/** The origin this server is reached at: PUBLIC_URL, else the request's own scheme and Host. */
export function ownOrigin(config: Config, request: FastifyRequest): string {
  return config.publicUrl ?? `${request.protocol}://${request.host}`
}

/** Why this request is cross-site (a sentence), or null. */
export function crossSiteRefusal(config: Config, request: FastifyRequest): string | null {
  if (SAFE_METHODS.has(request.method)) return null
  const site = request.headers['sec-fetch-site']
  if (site !== undefined) {
    if (site !== 'same-origin') return `Refused a ${site} request: Switchboard takes commands from its own pages only`
  } else {
    const origin = request.headers.origin
    if (!origin || origin !== ownOrigin(config, request))
      return 'Refused a request from another origin (or none): Switchboard takes commands from its own pages only'
  }
  if (request.headers['x-switchboard'] !== '1')
    return 'Refused a request without the X-Switchboard header: Switchboard takes commands from its own pages only'
  return null
}

const hostName = (host: string | undefined) => (host ?? '').replace(/:\d+$/, '')

async function guard(app: FastifyInstance, opts: { config: Config }) {
  const { config } = opts
  app.addHook('onRequest', async (request, reply) => {
    // No path of ours needs an escape or a dot segment: `/api/pbx/%61nswer` is not an alias of answer, and
    // `..` or `..;` never reach a route.
    const rawPath = request.raw.url?.split('?')[0] ?? ''
    if (!/^[A-Za-z0-9/_.-]*$/.test(rawPath) || /(^|\/)\.\.?(\/|$)/.test(rawPath))
      return reply.code(404).send(errorBody('not-found', 'Not found'))
    if (config.signIn === 'local-dev') {
      // No accounts: everyone is the local developer, so only this machine may ask — by address, and by
      // name (a page on another site that rebinds its name to 127.0.0.1 would otherwise be same-origin).
      const from = request.socket.remoteAddress ?? ''
      if (!isLoopbackHost(from) || !isLoopbackHost(hostName(request.headers.host)))
        return reply
          .code(403)
          .send(errorBody('forbidden', 'With no accounts configured, Switchboard answers this machine only'))
    }
    // An unknown path or method is a 404 whatever it carries; the simulated PBX's test controls hold no key.
    if (request.is404 || request.routeOptions.url === '/__sim/:action') return
    const refusal = crossSiteRefusal(config, request)
    if (refusal) {
      request.log.warn(
        { method: request.method, url: request.url, site: request.headers['sec-fetch-site'] },
        'cross-site request refused',
      )
      return reply.code(403).send(errorBody('cross-site', refusal))
    }
  })
}

export const guardPlugin = fp(guard, { name: 'switchboard-guard', fastify: '5.x' })
