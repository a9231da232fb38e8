// A real redis-server per test run, on a free port, no persistence (`.ci/run` installs Debian's).
import { spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number }
      s.close(() => resolve(port))
    })
  })

export interface TestRedis {
  url: string
  port: number
  /** Kill it (SIGKILL: its data is gone, as a crash with no persistence). */
  kill(): Promise<void>
  /** Start it again on the same port, empty. */
  restart(): Promise<void>
  stop(): Promise<void>
}

async function launch(port: number): Promise<ChildProcess> {
  const proc = spawn(
    process.env.REDIS_SERVER ?? 'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  await new Promise<void>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000)
    proc.once('error', (e) => (clearTimeout(timer), reject(e)))
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      if (/Ready to accept connections/.test(out)) {
        clearTimeout(timer)
        resolve()
      }
    })
  })
  return proc
}

const exited = (proc: ChildProcess) =>
  proc.exitCode !== null || proc.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => proc.once('exit', () => resolve()))

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort()
  let proc: ChildProcess | null = await launch(port)
  const kill = async () => {
    if (!proc) return
    const p = proc
    proc = null
    p.kill('SIGKILL')
    await exited(p)
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    kill,
    async restart() {
      await kill()
      proc = await launch(port)
    },
    stop: kill,
  }
}
