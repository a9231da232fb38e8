import { defineConfig, devices } from '@playwright/test'
import { BASE_URL, DEV_PORT, DEV_URL, PORT, SIM_PORT } from './e2e/ports.ts'

// `npm test` builds once before it runs the suite (E2E_BUILT=1); a spec run alone builds first.
const build = process.env.E2E_BUILT ? '' : 'npm run build && '
// The dev server (Vite and its own simulator) only when the `dev` project runs: a shared machine's CPU.
const argv = process.argv.join(' ')
const devProject = !/--project[= ]/.test(argv) || /--project[= ]dev\b/.test(argv)

export default defineConfig({
  testDir: './e2e',
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    ...devices['Desktop Chrome'],
    launchOptions: {
      // Debian's Chromium (browsers cannot be downloaded here); CHROMIUM_PATH wins.
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
  projects: [
    // `npm test`: the product as deployed (`npm start`, a users file, the simulator as the PBX), and what only
    // the dev server does (`dev`). `npm run docs`: what writes tracked files (screenshots, docs/reliability.md,
    // docs/security.md).
    { name: 'e2e', testIgnore: ['screenshots.spec.ts', 'dev/**'] },
    { name: 'dev', testMatch: 'dev/**/*.spec.ts', use: { baseURL: DEV_URL } },
    { name: 'docs', testMatch: ['screenshots.spec.ts', 'faults.spec.ts', 'security.spec.ts'] },
  ],
  webServer: [
    {
      // scripts/e2e-server.mjs: the simulator on SIM_PORT and `npm start` on PORT, signed-in users only.
      command: `${build}node scripts/e2e-server.mjs`,
      url: `${BASE_URL}/healthz`,
      reuseExistingServer: !process.env.CI,
      timeout: 240_000,
      // A hung PBX poll is given up 3 s past its hold (10 s in production): e2e/faults.spec.ts waits for it in real time.
      env: {
        E2E_PORT: String(PORT),
        E2E_SIM_PORT: String(SIM_PORT),
        SWITCHBOARD_UPSTREAM_SLACK_MS: '3000',
      },
    },
    ...(devProject
      ? [
          {
            command: `npm run dev -- --port ${DEV_PORT} --strictPort --host 127.0.0.1`,
            url: DEV_URL,
            reuseExistingServer: !process.env.CI,
            timeout: 60_000,
            env: {
              SWITCHBOARD_SIM_DEMO: '0',
              NOOJEE_URL: '',
              NOOJEE_API_KEY: '',
              SWITCHBOARD_UPSTREAM_SLACK_MS: '3000',
            },
          },
        ]
      : []),
  ],
})
