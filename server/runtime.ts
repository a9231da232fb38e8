// What the app needs besides its config, made the same way for `npm start` (main.ts) and `npm run dev`
// (vite-plugin.ts): the PBX client (the real PBX, or the built-in simulated one started here), the feed hub
// and the shared Redis connection.
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { DEMO_EXTENSIONS, startSimServer, type SimServer } from '../sim/sim-server.ts'
import { readUsersFile, watchedByUsers } from './auth/users-file.ts'
import type { Config } from './config.ts'
import { createFeedHub } from './feed/feed-hub.ts'
import { createPbxClient } from './pbx/pbx-client.ts'
import type { CallPbx, FeedHub } from './types.ts'

export interface Runtime {
  callPbx: CallPbx
  feed: FeedHub
  /** The built-in simulated PBX's URL (its /__sim controls), when there is no NOOJEE_URL. */
  simUrl?: string
  redis?: Redis
  /** Stops what start() started (the feed is closed by the app on close). */
  close(): Promise<void>
}

/** Every extension someone may watch (the upstream subscribe's list). */
async function watchedExtensions(config: Config): Promise<{ exts: string[]; dynamic: boolean }> {
  if (config.signIn === 'local-dev' || !config.usersFile)
    return {
      exts: [...new Set([...config.extensions, ...(config.pbx.kind === 'simulated' ? DEMO_EXTENSIONS : [])])],
      dynamic: true,
    }
  // The auth plugin re-reads the file and moves the feed to the new list (app.ts, onUsers).
  const users = await readUsersFile(config.usersFile)
  return { exts: [...new Set([...config.extensions, ...watchedByUsers(users)])], dynamic: false }
}

export async function startRuntime(
  config: Config,
  logger: Logger,
  opts: { sim?: Promise<SimServer> } = {},
): Promise<Runtime> {
  let sim: SimServer | undefined
  let callPbx: CallPbx
  if (config.pbx.kind === 'simulated') {
    sim = await (opts.sim ?? startSimServer({ apiKey: randomUUID(), demo: config.pbx.demo }))
    callPbx = createPbxClient({ url: sim.url, apiKey: sim.sim.apiKey })
  } else {
    callPbx = createPbxClient(config.pbx)
  }
  const redis = config.redisUrl
    ? new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 2 })
    : undefined
  const { exts, dynamic } = await watchedExtensions(config)
  const feed = createFeedHub({
    callPbx,
    extensions: exts,
    dynamic,
    redis: config.redisUrl ?? undefined,
    logger,
    reconcileMs: (config.reconcileS ?? 60) * 1000,
  })
  return {
    callPbx,
    feed,
    simUrl: sim?.url,
    redis,
    async close() {
      redis?.disconnect()
      // A simulator passed in is shared (Vite keeps one per process); only one started here is stopped.
      if (sim && !opts.sim) await sim.close()
    },
  }
}
