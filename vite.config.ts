/// <reference types="vitest/config" />
import { randomUUID } from 'node:crypto'
import { defineConfig, loadEnv, type ProxyOptions } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'
import { pbxProxy, pbxTargetFromEnv, type PbxTarget } from './server/pbx-proxy.ts'
import { DEMO_EXTENSIONS, startSimServer, type SimServer } from './sim/sim-server.ts'

// Vite re-reads this file on change; keep one built-in PBX per process.
const g = globalThis as { __switchboardSim?: Promise<SimServer> }

export default defineConfig(async ({ command, mode }) => {
  const env = { ...loadEnv(mode, process.cwd(), ''), ...process.env }
  const runsServer = command === 'serve' && !process.env.VITEST
  let target: PbxTarget | null
  let simulated = false
  const proxy: Record<string, ProxyOptions> = {}

  if (runsServer) {
    target = pbxTargetFromEnv(env)
    if (!target) {
      const apiKey = randomUUID()
      g.__switchboardSim ??= startSimServer({ apiKey, demo: env.SWITCHBOARD_SIM_DEMO !== '0' })
      const sim = await g.__switchboardSim
      target = { url: sim.url, apiKey: sim.sim.apiKey, simulated: true }
      simulated = true
      proxy['/__sim'] = { target: sim.url }
      console.log(`\n  Switchboard: no NOOJEE_URL set, using the built-in simulated PBX (${sim.url})\n`)
    } else {
      console.log(`\n  Switchboard: proxying the PBX API to ${target.url}\n`)
    }
    Object.assign(proxy, pbxProxy(target))
  }

  const defaultExtensions = env.SWITCHBOARD_EXTENSIONS ?? (simulated ? DEMO_EXTENSIONS.join(',') : '')
  // The demo starts with one extension marked mine, so ringing, A, Dial and history work at once.
  const demo = simulated && env.SWITCHBOARD_SIM_DEMO !== '0'
  const defaultMine = env.SWITCHBOARD_MY_EXTENSIONS ?? (demo ? DEMO_EXTENSIONS[1] : '')

  return {
    plugins: [react(), tailwindcss()],
    define: {
      __DEFAULT_EXTENSIONS__: JSON.stringify(defaultExtensions),
      __DEFAULT_MY_EXTENSIONS__: JSON.stringify(defaultMine),
    },
    server: { proxy },
    preview: { proxy },
    build: { target: 'es2022', sourcemap: false },
    test: {
      environment: 'jsdom',
      globals: true,
      setupFiles: ['./src/testing/setup-tests.ts'],
      include: ['src/**/*.test.{ts,tsx}', 'server/**/*.test.ts', 'sim/**/*.test.ts'],
      // A test without an assertion cannot fail; polls get slack for a loaded CI machine.
      expect: { requireAssertions: true, poll: { timeout: 5_000 } },
      restoreMocks: true,
    },
  }
})
