import { expect, test, type Page } from './fixtures.ts'
import { seriousViolations } from './axe.ts'
import { seedSettings, simControl } from './sim.ts'

test.describe.configure({ timeout: 180_000 })

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
  await simControl(request).primeSeq()
})

/** Every control named is on screen (scrolled to) and is the element at its own centre. */
async function expectAllClickable(page: Page, name: string | RegExp) {
  const controls = page.getByRole('button', { name, exact: typeof name === 'string' })
  const n = await controls.count()
  expect(n, `some ${name} to check`).toBeGreaterThan(0)
  for (let i = 0; i < n; i++) {
    const c = controls.nth(i)
    await c.scrollIntoViewIfNeeded()
    await expect(c).toBeVisible()
    const hit = await c.evaluate((el) => {
      const r = el.getBoundingClientRect()
      const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
      return !!top && (top === el || el.contains(top))
    })
    expect(hit, `${name} #${i} is the element at its own centre`).toBe(true)
  }
}

for (const width of [390, 480, 1280, 1920]) {
  test(`at ${width} px every Answer, Hang up and Dial is visible and clickable; axe is clean`, async ({
    page,
    request,
  }) => {
    const sim = simControl(request)
    await page.setViewportSize({ width, height: 900 })
    await seedSettings(page, { myExtensions: ['410'], extensions: ['400', '420', '430'] })
    await page.goto('/')
    await expect(page.getByRole('status')).toHaveText('Live')
    await sim.ring('410', { callerId: '0211110001' })
    await sim.connect(await sim.ring('400', { callerId: '0211110002' }), '400')
    await sim.ring('420', { callerId: '0211110003' })
    await expect(page.getByRole('button', { name: 'Answer' })).toHaveCount(2)
    await expect(page.getByRole('button', { name: 'Hang up' })).toHaveCount(1)
    await expectAllClickable(page, 'Answer')
    await expectAllClickable(page, 'Hang up')
    await expectAllClickable(page, 'Dial')
    if (width <= 480) {
      // The side panel: one column, my ringing call first.
      const xs = await page
        .getByRole('region', { name: /^Extension \d+$/ })
        .evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)))
      expect(new Set(xs).size).toBe(1)
      expect(await seriousViolations(page)).toEqual([])
    }
  })
}

test('wall screen: 300 tiles fit 1920×1080 without scrolling, busy first, counts filter; axe clean', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  const exts = Array.from({ length: 300 }, (_, i) => String(6000 + i))
  await page.setViewportSize({ width: 1920, height: 1080 })
  await seedSettings(page, { myExtensions: [], extensions: exts, escalateAfterSec: 5 })
  await page.goto('/?view=wall')
  await expect(page.getByRole('status')).toHaveText('Live')
  await sim.ring('6250', { callerId: '0299990001' })
  await sim.connect(await sim.ring('6299', { callerId: '0299990002' }), '6299')
  const wall = page.getByRole('region', { name: 'Wall screen' })
  const tiles = wall.getByRole('listitem')
  await expect(tiles).toHaveCount(300)
  await expect(tiles.first()).toHaveAttribute('data-ext', '6250')
  await expect(tiles.nth(1)).toHaveAttribute('data-ext', '6299')
  const fits = await page.evaluate(() => {
    const items = [...document.querySelectorAll('[aria-label="Wall screen"] li')]
    const inside = items.every((li) => {
      const r = li.getBoundingClientRect()
      return r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth && r.height > 20
    })
    return { inside, scrolls: document.documentElement.scrollHeight > innerHeight }
  })
  expect(fits).toEqual({ inside: true, scrolls: false })
  // The ringing call goes overdue after 5 s: said on its tile and counted.
  await expect(tiles.first()).toHaveAttribute('data-state', 'overdue', { timeout: 15_000 })
  await expect(wall.getByRole('button', { name: '1 overdue' })).toBeVisible()
  await wall.getByRole('button', { name: '1 connected' }).click()
  await expect(tiles).toHaveCount(1)
  await expect(tiles.first()).toHaveAttribute('data-ext', '6299')
  expect(await seriousViolations(page)).toEqual([])
  await wall.getByRole('button', { name: 'Show all 300' }).click()
  await expect(tiles).toHaveCount(300)
})
