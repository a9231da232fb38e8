// Start hub-process.mjs as a child `node` process (the kill -9 test and the benchmark).
import { spawn, type ChildProcess } from 'node:child_process'

export interface HubProcess {
  url: string
  proc: ChildProcess
  state(): Promise<{ leader: boolean; ready: boolean; head: number; pid: number }>
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
  REDIS_URL: string
  REDIS_PREFIX: string
  LOCK_TTL_MS?: string
}): Promise<HubProcess> {
  const script = new URL('./hub-process.mjs', import.meta.url).pathname
  const proc = spawn(process.execPath, [script], {
    env: { ...process.env, ...env, PORT: '0', VITEST: '' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`hub process did not start: ${out}`)), 30_000)
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /LISTENING (\d+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    proc.once('exit', (code) => (clearTimeout(timer), reject(new Error(`hub process exited ${code}: ${out}`))))
  })
  const url = `http://127.0.0.1:${port}`
  return {
    url,
    proc,
    state: async () => (await (await fetch(`${url}/state`)).json()) as Awaited<ReturnType<HubProcess['state']>>,
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
