// Scratch (not committed): Reports at 390, 1280, 1920 px, light and dark; the grid and wall with figures.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { chromium } from '@playwright/test'

const PORT = 5410
const BASE = `http://127.0.0.1:${PORT}`
const data = mkdtempSync(path.join(tmpdir(), 'sb-look-'))
const server = spawn(process.execPath, ['dist-server/server/main.js'], {
  env: { ...process.env, HOST: '127.0.0.1', PORT: String(PORT), SWITCHBOARD_DATA_DIR: data, SWITCHBOARD_SIM_DEMO: '0', NOOJEE_URL: '', NOOJEE_API_KEY: '', LOG_LEVEL: 'warn', SWITCHBOARD_EXTENSIONS: '400-405' },
  stdio: ['ignore', 'ignore', 'inherit'],
})
for (let i = 0; ; i++) {
  if (await fetch(`${BASE}/readyz`).then((r) => r.ok, () => false)) break
  if (i > 300) throw new Error('no server')
  await new Promise((r) => setTimeout(r, 100))
}
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
const ctx = await browser.newContext({ baseURL: BASE })
const page = await ctx.newPage()
await page.goto('/?exten=400,401,402,403,404,405&view=grid')
const sim = async (a, b) => (await page.request.post(`/__sim/${a}`, { data: b })).json()
const plan = { 400: [1, 1, 0], 401: [1, 0, 1, 1], 402: [0], 403: [1, 1, 1, 1, 1, 0], 404: [] }
for (const [ext, calls] of Object.entries(plan))
  for (const [i, ans] of calls.entries()) {
    const { uniqueCallId } = await sim('ring', { ext, callerId: `0298${ext}${i}`, queue: i % 2 === 1 })
    if (ans) await sim('connect', { uniqueCallId, ext })
    await sim('status', { uniqueCallId, status: ans ? 'Hungup' : 'No Answer' })
  }
await sim('ring', { ext: '405', callerId: '0411222333' })
await new Promise((r) => setTimeout(r, 2500))
const out = process.argv[2] ?? '/tmp/look'
for (const scheme of ['light', 'dark']) {
  await page.emulateMedia({ colorScheme: scheme })
  for (const w of [390, 1280, 1920]) {
    await page.setViewportSize({ width: w, height: w === 390 ? 844 : 1000 })
    await page.goto('/?exten=400,401,402,403,404,405&view=reports')
    await page.getByRole('table', { name: /Calls per extension/ }).waitFor()
    await page.waitForTimeout(800)
    await page.screenshot({ path: `${out}-reports-${w}-${scheme}.png`, fullPage: true })
  }
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto('/?exten=400,401,402,403,404,405&view=grid')
  await page.waitForTimeout(1500)
  await page.screenshot({ path: `${out}-grid-${scheme}.png` })
  await page.goto('/?exten=400,401,402,403,404,405&view=wall')
  await page.waitForTimeout(1500)
  await page.screenshot({ path: `${out}-wall-${scheme}.png` })
}
await browser.close()
server.kill('SIGTERM')
