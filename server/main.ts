// `npm start`: read the environment (one clear line and exit 1 on a bad value), build the app, listen; on
// SIGTERM or SIGINT: not ready, held polls answered at once, exit within 10 s.
import { existsSync } from 'node:fs'
import path from 'node:path'
import closeWithGrace from 'close-with-grace'
import type { FastifyInstance } from 'fastify'
import { buildApp } from './app.ts'
import { ConfigError, parseConfig } from './config.ts'
import { createLogger } from './logger.ts'
import { startRuntime, type Runtime } from './runtime.ts'

/** The checkout (where package.json and dist/ are), from server/ or the compiled dist-server/server/. */
function findRoot(): string {
  let dir = import.meta.dirname
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir)
  return dir
}

async function main() {
  let parsed
  try {
    parsed = parseConfig(process.env, { production: true, root: findRoot() })
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e
    process.stderr.write(`switchboard: ${e.message}\n`)
    process.exit(1)
  }
  const { config, warnings } = parsed
  const logger = createLogger({
    apiKey: config.pbx.kind === 'real' ? config.pbx.apiKey : undefined,
    level: process.env.LOG_LEVEL ?? 'info',
  })
  let runtime: Runtime | undefined
  let app: FastifyInstance
  try {
    runtime = await startRuntime(config, logger)
    // No /__sim under `npm start`: the simulator's controls (hang up anyone's call) are the dev server's only.
    app = await buildApp(config, { ...runtime, simUrl: undefined, logger, serveDist: true })
    await app.ready()
  } catch (e) {
    // A users file that cannot be read, an OIDC setting that is wrong: one line, not a stack.
    process.stderr.write(`switchboard: ${(e as Error).message.split('\n')[0]}\n`)
    await runtime?.close()
    process.exit(1)
  }
  for (const w of warnings) logger.warn(w)
  if (config.signIn === 'local-dev') logger.warn('No accounts configured: local developer mode, this machine only')
  if (!existsSync(path.join(config.distDir, 'index.html')))
    logger.warn(`${config.distDir} has no index.html: run \`npm run build\` to serve the panel`)

  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'stopping after an error')
    else logger.info({ signal }, 'stopping')
    await app.close()
    await runtime?.close()
  })

  await app.listen({ host: config.host, port: config.port })
  logger.info(
    { pbx: config.pbx.kind === 'real' ? config.pbx.url : 'simulated', signIn: config.signIn },
    `Switchboard listening on http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`,
  )
}

await main()
