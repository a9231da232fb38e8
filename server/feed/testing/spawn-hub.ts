// Start hub-process.mjs as a child `node` process (the kill -9 test and the benchmark).
import { spawn, type ChildProcess } from 'node:child_process'

export interface HubProcess {
  /** The control port (GET /state, /mark, /written, /gc). */
  url: string
  /** Where browsers poll (the PBX's subscribe parameters in the query string). */
  pollUrl: string
  proc: ChildProcess
  state(): Promise<{
    leader: boolean
    ready: boolean
    head: number
    held: number
    pid: number
    cpuUs: { user: number; system: number }
    heapUsed: number
    rss: number
  }>
  kill9(): Promise<void>
  stop(): Promise<void>
}

const exited = (proc: ChildProcess) =>
  proc.exitCode !== null || proc.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => proc.once('exit', () => resolve()))

export async function spawnHub(env: {
  PBX_URL: string
  PBX_KEY: string
  EXTS: string
  REDIS_URL?: string
  REDIS_PREFIX?: string
  LOCK_TTL_MS?: string
  /** app: browsers poll the real app (buildApp) rather than a bare HTTP front. */
  FRONT?: 'app'
  /** Record calls (server/records/) in PostgreSQL, or in SQLite in RECORDS_DIR. */
  DATABASE_URL?: string
  RECORDS_DIR?: string
}): Promise<HubProcess> {
  const script = new URL('./hub-process.mjs', import.meta.url).pathname
  // Node's flags as `npm start` runs the server; HUB_NODE_ARGS (the benchmark's profiling, e.g. --cpu-prof --cpu-prof-dir=/tmp/prof): extra node flags.
  const extra = (process.env.HUB_NODE_ARGS ?? '').split(' ').filter(Boolean)
  const proc = spawn(process.execPath, ['--expose-gc', '--max-semi-space-size=64', ...extra, script], {
    env: { ...process.env, ...env, PORT: '0', VITEST: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const [port, pollUrl] = await new Promise<[number, string]>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`hub process did not start: ${out}`)), 90_000)
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /LISTENING (\d+) POLL (\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve([Number(m[1]), m[2]])
      }
    })
    proc.once('exit', (code) => (clearTimeout(timer), reject(new Error(`hub process exited ${code}: ${out}`))))
  })
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    pollUrl,
    proc,
    async state() {
      // A loaded machine can drop a keep-alive socket: ask again, a few times.
      for (let i = 0; ; i++)
        try {
          return (await (await fetch(`${url}/state`)).json()) as Awaited<ReturnType<HubProcess['state']>>
        } catch (e) {
          if (i >= 3 || proc.exitCode !== null || proc.signalCode !== null) throw e
          await new Promise((r) => setTimeout(r, 200))
        }
    },
    async kill9() {
      proc.kill('SIGKILL')
      await exited(proc)
    },
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      proc.kill('SIGTERM')
      await exited(proc)
    },
  }
}
