/// <reference types="vitest/config" />
import { defineConfig, loadEnv } from 'vite'
import react from '@vitejs/plugin-react'
import tailwindcss from '@tailwindcss/vite'
import { switchboardServer } from './server/vite-plugin.ts'

export default defineConfig(({ mode }) => {
  const env = { ...loadEnv(mode, process.cwd(), ''), ...process.env }
  // Nothing of the environment is built into the panel: the server reads its settings when it starts, and
  // GET /api/session hands the panel its defaults (issue 22: a build held the demo's extensions).
  return {
    // The Switchboard server (server/app.ts) answers /api, /auth, /healthz, /readyz and /__sim in dev and
    // preview; not under Vitest, whose tests build their own.
    plugins: [react(), tailwindcss(), ...(process.env.VITEST ? [] : [switchboardServer(env)])],
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
