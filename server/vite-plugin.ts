// `npm run dev` (and `vite preview`, which the bench drives) run the same Switchboard server as `npm start`:
// this plugin builds the app with buildApp and hands it the API's paths; Vite serves the panel with hot reload.
// A change under server/ restarts Vite's server, which builds the app anew.
import type { IncomingMessage, ServerResponse } from 'node:http'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import type { Plugin, PreviewServer, ViteDevServer } from 'vite'
import type { SimServer } from '../sim/sim-server.ts'
import { buildApp } from './app.ts'
import { ConfigError, parseConfig } from './config.ts'
import { createLogger } from './logger.ts'
import { startRuntime } from './runtime.ts'

/** What the server answers; everything else is Vite's (the panel, its modules, HMR). */
export const SERVER_PATHS = /^\/(?:api|auth|healthz|readyz|__sim|servicemanager)(?:[/?#]|$)/

// Vite re-reads its config on a restart: one built-in PBX per process keeps its calls across restarts.
const g = globalThis as { __switchboardSim?: Promise<SimServer> }

async function mount(server: ViteDevServer | PreviewServer, env: Record<string, string | undefined>, root: string) {
  let parsed
  try {
    parsed = parseConfig(env, { production: false, root })
  } catch (e) {
    if (e instanceof ConfigError) throw new Error(`Switchboard: ${e.message}`, { cause: e })
    throw e
  }
  const { config } = parsed
  // Requests are logged at warn and above here: a dev terminal is not an audit trail.
  const logger = createLogger({
    apiKey: config.pbx.kind === 'real' ? config.pbx.apiKey : undefined,
    level: env.LOG_LEVEL ?? 'warn',
  })
  if (config.pbx.kind === 'simulated') {
    const { startSimServer } = await import('../sim/sim-server.ts')
    const { randomUUID } = await import('node:crypto')
    g.__switchboardSim ??= startSimServer({ apiKey: randomUUID(), demo: config.pbx.demo })
  }
  const runtime = await startRuntime(config, logger, { sim: g.__switchboardSim })
  const app: FastifyInstance = await buildApp(config, { ...runtime, logger, serveDist: false })
  await app.ready()
  server.config.logger.info(
    config.pbx.kind === 'simulated'
      ? `\n  Switchboard: no NOOJEE_URL set, using the built-in simulated PBX (${runtime.simUrl})\n`
      : `\n  Switchboard: the PBX is ${config.pbx.url}${config.signIn === 'local-dev' ? ' (no accounts: local developer mode, this machine only)' : ''}\n`,
  )
  server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (SERVER_PATHS.test(req.url ?? '')) app.routing(req, res)
    else next()
  })
  server.httpServer?.once('close', () => {
    void app.close().then(() => runtime.close())
  })
  return { app, config }
}

export function switchboardServer(env: Record<string, string | undefined>): Plugin {
  return {
    name: 'switchboard-server',
    async configureServer(server) {
      const root = server.config.root
      await mount(server, env, root)
      const serverDir = path.join(root, 'server') + path.sep
      server.watcher.on('change', (file) => {
        if (file.startsWith(serverDir) && !file.endsWith('.test.ts')) void server.restart()
      })
    },
    async configurePreviewServer(server) {
      await mount(server, env, server.config.root)
    },
  }
}
