// What only the dev server does (`npm run dev`, no users file, no NOOJEE_URL): the local developer, signed in on
// every request from this machine, and the built-in simulated PBX with its /__sim controls through the server.
import { expect, test } from '../fixtures.ts'
import { simControl } from '../sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

test('the built-in simulator: the panel says its calls are demo calls once the PBX answers', async ({ page }) => {
  let release = () => {}
  const held = new Promise<void>((r) => (release = r))
  await page.route('**/api/pbx/subscribe*', async (route) => {
    await held
    await route.continue()
  })
  await page.goto('/?exten=410')
  await expect(page.getByText('Simulated PBX — demo calls')).toHaveCount(0)
  release()
  await expect(page.getByRole('status')).toHaveText('Live')
  await expect(page.getByText('Simulated PBX — demo calls')).toBeVisible()
})

test('the local developer sees the server’s default extensions and drives the PBX through /__sim', async ({
  page,
  request,
}) => {
  await page.goto('/')
  await expect(page.getByText('Local developer').first()).toBeVisible()
  await expect(page.getByRole('status')).toHaveText('Live')
  // No SWITCHBOARD_EXTENSIONS: the built-in PBX's demo extensions, from GET /api/session (not the bundle).
  await expect(page.getByRole('region', { name: /^Extension / })).toHaveCount(3)
  const defaults = await page.evaluate(() => fetch('/api/session').then((r) => r.json()))
  expect(defaults.defaults).toEqual({ extensions: ['400', '410', '420'], myExtensions: [] })
  await simControl(request).ring('420', { callerId: '0255501234' })
  await expect(page.getByRole('region', { name: 'Extension 420' })).toContainText('0255501234')
})
