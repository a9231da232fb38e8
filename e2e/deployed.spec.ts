// Issue 22 as deployed (`npm run build` with no PBX set, then `npm start` with a users file): what a person
// watches comes from their rights, links take ranges and groups, and no page logs an error of ours.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { expect, test, type Page } from './fixtures.ts'
import { simControl } from './sim.ts'

const columns = (page: Page) => page.getByRole('region', { name: /^Extension / })

/** Every console message the page logs from now on (errors, warnings: a header Chromium refuses, a 401…). */
function consoleOf(page: Page) {
  const said: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') said.push(`${m.type()}: ${m.text()}`)
  })
  return said
}

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

test('the build holds no extension list: the demo’s default is the server’s, not the bundle’s', () => {
  const assets = path.resolve(import.meta.dirname, '../dist/assets')
  const js = readdirSync(assets).filter((f) => f.endsWith('.js'))
  expect(js.length).toBeGreaterThan(0)
  for (const f of js) expect(readFileSync(path.join(assets, f), 'utf8'), f).not.toMatch(/400,410,420|"400","410","420"/)
})

test.describe('a user watching 430-439 only', () => {
  test.use({ user: 'wall430' })

  test('sees calls on 431 and 436 with no link and no choice of their own', async ({ page, request }) => {
    const sim = simControl(request)
    await page.goto('/')
    await expect(page.getByRole('status')).toHaveText('Live')
    await expect(columns(page)).toHaveCount(10)
    await sim.ring('431', { callerId: '0291234431' })
    await sim.connect(await sim.ring('436', { callerId: '0291234436' }), '436')
    await expect(page.getByRole('region', { name: 'Extension 431' })).toContainText('0291234431')
    await expect(page.getByRole('region', { name: 'Extension 436' })).toContainText('0291234436')
    await expect(page.getByRole('region', { name: 'Extension 400' })).toHaveCount(0)
  })

  test('its session names the one person who acts on an extension it watches', async ({ page }) => {
    await page.goto('/')
    const body = await page.evaluate(() => fetch('/api/session').then((r) => r.json()))
    expect(body.names).toEqual({ '431': 'Ann Agent' })
    expect(body.defaults.extensions).toHaveLength(10)
    // SWITCHBOARD_GROUPS (scripts/e2e-server.mjs): nothing of sales or support is this user's to watch.
    expect(body.groups).toEqual({ sales: [], support: [] })
  })
})

test('a link takes a range as the users file does: ?exten=1000-1009', async ({ page }) => {
  await page.goto('/?exten=1000-1009')
  await expect(page.getByRole('status')).toHaveText('Live')
  await expect(columns(page)).toHaveCount(10)
  await expect(page.getByRole('region', { name: 'Extension 1009' })).toBeVisible()
  await expect(page.getByRole('alert')).toHaveCount(0)
})

test('a link names a group: ?group=sales shows its extensions; an unknown group says so', async ({ page }) => {
  await page.goto('/?group=sales&view=grid')
  await expect(page.getByRole('status')).toHaveText('Live')
  await expect(page.getByRole('listitem', { name: /^Extension 40\d: / })).toHaveCount(10)
  await page.goto('/?group=nope')
  await expect(page.getByRole('alert')).toContainText(
    'The link\'s group "nope" is not known here (groups: sales, support).',
  )
  await expect(columns(page)).toHaveCount(3)
})

test.describe('signed out', () => {
  test.use({ user: null })

  test('the sign-in page and the panel log nothing in the console (no 401, no Permissions-Policy warning)', async ({
    page,
  }) => {
    const said = consoleOf(page)
    await page.goto('/')
    await page.getByLabel('Username').fill('e2e')
    await page.getByLabel('Password').fill('e2e-password-for-tests')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.getByRole('status')).toHaveText('Live')
    await page.reload()
    await expect(page.getByRole('status')).toHaveText('Live')
    expect(said).toEqual([])
  })
})

test('/__sim is not served by npm start: a signed-in user is refused and nothing reaches the simulator', async ({
  page,
  request,
}) => {
  await page.goto('/')
  const status = await page.evaluate(() =>
    fetch('/__sim/ring', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Switchboard': '1' },
      body: JSON.stringify({ ext: '410' }),
    }).then((r) => r.status),
  )
  expect(status).toBe(404)
  expect((await simControl(request).state(['410'])).truth['410'] ?? {}).toEqual({})
})
