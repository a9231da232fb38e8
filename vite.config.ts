/// <reference types="vitest/config" />
import { defineConfig, loadEnv } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'
import { DEMO_EXTENSIONS } from './sim/sim-server.ts'
import { switchboardServer } from './server/vite-plugin.ts'

export default defineConfig(({ mode, command }) => {
  const env = { ...loadEnv(mode, process.cwd(), ''), ...process.env }
  const simulated = !env.NOOJEE_URL?.trim()
  const defaultExtensions = env.SWITCHBOARD_EXTENSIONS ?? (simulated ? DEMO_EXTENSIONS.join(',') : '')
  // The demo starts with one extension marked mine, so ringing, A, Dial and history work at once.
  // Only the dev server's demo: never a build, never unit tests.
  const demo = command === 'serve' && !process.env.VITEST && simulated && env.SWITCHBOARD_SIM_DEMO !== '0'
  const defaultMine = env.SWITCHBOARD_MY_EXTENSIONS ?? (demo ? DEMO_EXTENSIONS[1] : '')

  return {
    // The Switchboard server (server/app.ts) answers /api, /auth, /healthz, /readyz and /__sim in dev and
    // preview; not under Vitest, whose tests build their own.
    plugins: [react(), tailwindcss(), ...(process.env.VITEST ? [] : [switchboardServer(env)])],
    define: {
      __DEFAULT_EXTENSIONS__: JSON.stringify(defaultExtensions),
      __DEFAULT_MY_EXTENSIONS__: JSON.stringify(defaultMine),
    },
    // No CORS: the panel is same-origin, and no other page may read the API.
    server: { cors: false },
    preview: { cors: false },
    build: { target: 'es2022' },
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
