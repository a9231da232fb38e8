import { defineConfig, devices } from '@playwright/test'

const PORT = Number(process.env.E2E_PORT ?? 5199)

export default defineConfig({
  testDir: './e2e',
  workers: 1,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: 'retain-on-failure',
    ...devices['Desktop Chrome'],
    launchOptions: {
      // Debian's Chromium (browsers cannot be downloaded here); CHROMIUM_PATH wins.
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      args: ['--disable-background-networking', '--disable-component-update', '--no-first-run'],
    },
  },
  projects: [
    // `npm test`: the tests. `npm run docs`: what writes tracked files (screenshots, docs/reliability.md,
    // docs/security.md).
    { name: 'e2e', testIgnore: 'screenshots.spec.ts' },
    { name: 'docs', testMatch: ['screenshots.spec.ts', 'faults.spec.ts', 'security.spec.ts'] },
  ],
  webServer: {
    command: `npm run dev -- --port ${PORT} --strictPort --host 127.0.0.1`,
    url: `http://127.0.0.1:${PORT}`,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
    // A hung PBX poll is given up 3 s past its hold (10 s in production): e2e/faults.spec.ts waits for it in real time.
    env: { SWITCHBOARD_SIM_DEMO: '0', NOOJEE_URL: '', NOOJEE_API_KEY: '', SWITCHBOARD_UPSTREAM_SLACK_MS: '3000' },
  },
})
