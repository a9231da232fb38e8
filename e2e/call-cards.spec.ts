import { expect, test } from './fixtures.ts'
import { simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
  await simControl(request).primeSeq()
})

test('no column is idle before the PBX answers', async ({ page }) => {
  // Hold the first subscribe: until the PBX answers, nothing is known.
  let release = () => {}
  const held = new Promise<void>((r) => (release = r))
  await page.route('**/api/pbx/subscribe*', async (route) => {
    await held
    await route.continue()
  })
  await page.goto('/?exten=410')
  const column = page.getByRole('region', { name: 'Extension 410' })
  await expect(column).toContainText('Not known yet — waiting for the PBX')
  release()
  await expect(page.getByRole('status')).toHaveText('Live')
  await expect(column).toContainText('Idle — no calls')
  // A real PBX (the simulator behind NOOJEE_URL, as deployed): no demo badge.
  await expect(page.getByText('Simulated PBX — demo calls')).toHaveCount(0)
})

test('a caller ID that looks like HTML is shown as text and injects nothing', async ({ page, request }) => {
  const sim = simControl(request)
  await page.goto('/?exten=410')
  await expect(page.getByRole('status')).toHaveText('Live')
  const before = await page.locator('img, script, b').count()

  const evil = '<img src=x onerror="window.__pwned=1"><b>boss</b>'
  await sim.ring('410', { callerId: evil })
  const card = page.getByRole('region', { name: 'Extension 410' }).getByRole('article')
  await expect(card).toContainText(evil)
  await expect(card.locator('img, b')).toHaveCount(0)
  expect(await page.locator('img, script, b').count()).toBe(before)
  expect(await page.evaluate(() => (window as { __pwned?: number }).__pwned)).toBeUndefined()
})

test('queue and click-to-dial calls carry their badges', async ({ page, request }) => {
  const sim = simControl(request)
  await page.goto('/?exten=400,410')
  await expect(page.getByRole('status')).toHaveText('Live')

  await sim.ring('400', { callerId: '0733334444', queue: true })
  await sim.raw('410', {
    uniqueCallId: 'c2d.1',
    status: 'Dialing Out',
    callerId: '0255556666',
    inbound: false,
    isClickToDialCall: true,
  })
  const queued = page.getByRole('region', { name: 'Extension 400' }).getByRole('article')
  await expect(queued).toContainText('0733334444')
  await expect(queued.getByText('Queue', { exact: true })).toBeVisible()
  await expect(queued.getByText('Click-to-dial', { exact: true })).toHaveCount(0)

  const dialled = page.getByRole('region', { name: 'Extension 410' }).getByRole('article')
  await expect(dialled).toContainText('0255556666')
  await expect(dialled.getByText('Click-to-dial', { exact: true })).toBeVisible()
  await expect(dialled.getByText('Outbound', { exact: true })).toBeVisible()
  await expect(dialled.getByText('Queue', { exact: true })).toHaveCount(0)
})

test('a status the contract does not list is shown as the PBX sent it', async ({ page, request }) => {
  const sim = simControl(request)
  await page.goto('/?exten=410')
  await expect(page.getByRole('status')).toHaveText('Live')

  await sim.raw('410', {
    uniqueCallId: 'odd.1',
    status: 'Parked on 701',
    callerId: '0244445555',
    extraField: { nested: 1 },
  })
  const card = page.getByRole('region', { name: 'Extension 410' }).getByRole('article')
  await expect(card).toContainText('Parked on 701')
  await expect(card).toContainText('0244445555')
  await expect(card.getByRole('button', { name: 'Answer' })).toHaveCount(0)
  // A call under way in a status we do not know can still be hung up.
  await expect(card.getByRole('button', { name: 'Hang up' })).toBeVisible()
  await expect(page.getByRole('status')).toHaveText('Live')
})

test('a call that rings and is answered takes the room its column keeps: the columns below do not move', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto('/?exten=400,401,402,403,404,405,406,407')
  await expect(page.getByRole('status')).toHaveText('Live')
  const top = page.getByRole('region', { name: 'Extension 400' })
  const below = page.getByRole('region', { name: 'Extension 407' })
  const y = async () => (await below.boundingBox())!.y
  const first = (await top.boundingBox())!
  const before = await y()
  expect(before).toBeGreaterThanOrEqual(first.y + first.height)

  await sim.ring('400', { callerId: '0298765432', queue: true })
  await expect(top.getByRole('article', { name: 'Ringing: 0298765432' })).toBeVisible()
  expect(await y()).toBe(before)
  await top.getByRole('button', { name: 'Answer' }).click()
  await expect(top.getByRole('article', { name: /^Connected: 0298765432/ })).toBeVisible()
  expect(await y()).toBe(before)
})
