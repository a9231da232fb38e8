import { expect, test, type Page } from './fixtures.ts'
import { simControl } from './sim.ts'

const EXTS = Array.from({ length: 1000 }, (_, i) => String(1000 + i))
const GRID_URL = `/?exten=${EXTS.join(',')}&view=grid`

test.beforeEach(async ({ request }) => {
  test.slow()
  await simControl(request).reset()
})

// The dev server transforms every module on a cold load and dev React renders 1,000 tiles slowly.
const LOAD = { timeout: 60_000 }
const tiles = (page: Page) => page.getByRole('list', { name: 'Extensions' }).getByRole('listitem')
const counts = (page: Page) => page.getByRole('list', { name: 'Extension counts' })

test('a 1,000-extension grid shows rings, counts them, filters and escalates', async ({ page, request }) => {
  const sim = simControl(request)
  await page.clock.install()
  const started = Date.now()
  await page.goto(GRID_URL)
  await expect(page.getByRole('status')).toHaveText('Live', LOAD)
  // Windowed: a screenful of tiles in the DOM, each saying its place among the 1,000.
  await expect(tiles(page).first()).toHaveAttribute('aria-setsize', '1000')
  await expect(tiles(page).first()).toHaveAttribute('aria-posinset', '1')
  const inDom = await tiles(page).count()
  expect(inDom).toBeGreaterThan(10)
  expect(inDom).toBeLessThan(400)
  test.info().annotations.push({
    type: 'perf',
    description: `grid live ${Date.now() - started} ms after navigation, ${inDom} of 1000 tiles in the DOM`,
  })
  await expect(counts(page)).toContainText('0 ringing')
  await expect(counts(page)).toContainText('1000 idle')

  const a = await sim.ring('1500', { callerId: '0298765432' })
  await sim.ring('1005', { callerId: '0411222333', queue: true })
  await sim.ring('1999', { callerId: '0733334444' })
  const t0 = Date.now()
  await expect(page.getByRole('listitem', { name: 'Extension 1005: Ringing, 0411222333' })).toBeVisible()
  test.info().annotations.push({ type: 'perf', description: `ring shown ${Date.now() - t0} ms after the sim rang it` })
  // Far down the list: there, current, once scrolled to.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
  await expect(page.getByRole('listitem', { name: 'Extension 1999: Ringing, 0733334444' })).toBeInViewport()
  await expect(page.getByRole('listitem', { name: 'Extension 1999: Ringing, 0733334444' })).toHaveAttribute(
    'aria-posinset',
    '1000',
  )
  await page.evaluate(() => window.scrollTo(0, 0))
  const filter = page.getByRole('searchbox', { name: 'Filter by extension or caller' })
  await filter.fill('1500')
  const tile1500 = page.getByRole('listitem', { name: 'Extension 1500: Ringing, 0298765432' })
  await expect(tile1500).toBeVisible()
  await filter.fill('')
  await expect(counts(page)).toContainText('3 ringing')
  await expect(counts(page)).toContainText('997 idle')
  await expect(page.getByRole('listitem', { name: 'Extension 1000: Idle' })).toHaveAttribute('data-state', 'idle')

  await sim.connect(a, '1500')
  await filter.fill('1500')
  await expect(page.getByRole('listitem', { name: 'Extension 1500: Connected, 0298765432' })).toBeVisible()
  await filter.fill('')
  await expect(counts(page)).toContainText('2 ringing')
  await expect(counts(page)).toContainText('1 connected')

  // Filter by caller, then by extension digits.
  await filter.fill('0411')
  await expect(tiles(page)).toHaveCount(1)
  await expect(tiles(page)).toHaveAccessibleName('Extension 1005: Ringing, 0411222333')
  await expect(counts(page)).toContainText('showing 1 of 1000')
  await filter.fill('150')
  // 1150 and 1500..1509
  await expect(tiles(page)).toHaveCount(11)
  await filter.fill('nobody')
  await expect(page.getByText('No extension or caller matches')).toBeVisible()
  await filter.fill('')
  await expect(tiles(page).first()).toHaveAttribute('aria-setsize', '1000')

  // Past the 30 s default threshold the two calls still ringing turn the escalation colour, in words too.
  await page.clock.fastForward('00:31')
  await expect(page.getByRole('listitem', { name: /^Extension 1005: .*waiting too long/ })).toContainText('Overdue')
  await filter.fill('1999')
  await expect(
    page.getByRole('listitem', { name: 'Extension 1999: Ringing, 0733334444, waiting too long' }),
  ).toHaveAttribute('data-state', 'escalated')
  await filter.fill('1500')
  await expect(page.getByRole('listitem', { name: /^Extension 1500: Connected/ })).toHaveAttribute(
    'data-state',
    'connected',
  )
})

test('a timer tick touches only the live tiles of a 1,000-extension grid', async ({ page, request }) => {
  const sim = simControl(request)
  await page.clock.install()
  await page.goto(GRID_URL)
  await expect(page.getByRole('status')).toHaveText('Live', LOAD)
  await expect(tiles(page).first()).toHaveAttribute('aria-setsize', '1000')
  // Live tiles in the first rows, so they are on screen (the rest of the grid is windowed).
  const live = Array.from({ length: 12 }, (_, i) => String(1000 + i))
  for (const ext of live) await sim.ring(ext, { callerId: `02${ext}0000` })
  await expect(counts(page)).toContainText('12 ringing')
  for (const ext of live)
    await expect(page.getByRole('listitem', { name: new RegExp(`^Extension ${ext}: Ringing`) })).toBeInViewport()
  // Idle tiles on screen too, that the tick must leave alone.
  expect(await tiles(page).count()).toBeGreaterThan(live.length)
  await page.evaluate(() => {
    const w = window as unknown as { touched: Set<string> }
    w.touched = new Set()
    new MutationObserver((records) => {
      for (const r of records) {
        const el = r.target instanceof Element ? r.target : r.target.parentElement
        const li = el?.closest('li')
        if (li) w.touched.add(li.getAttribute('aria-label') ?? '?')
      }
    }).observe(document.querySelector('ul[aria-label="Extensions"]')!, {
      subtree: true,
      childList: true,
      characterData: true,
      attributes: true,
    })
  })
  await page.clock.runFor(3000)
  const touched = () => page.evaluate(() => [...(window as unknown as { touched: Set<string> }).touched])
  // Every live tile's timer moved on...
  await expect.poll(async () => (await touched()).length).toBe(live.length)
  // ...and not one idle tile was touched: idle tiles never subscribe to the ticker.
  const names = await touched()
  expect(names.every((n) => /^Extension \d+: Ringing, 02\d+0000$/.test(n))).toBe(true)
  expect(new Set(names.map((n) => n.match(/^Extension (\d+)/)![1]))).toEqual(new Set(live))
})

test('switching between agent columns and the grid is remembered across reloads', async ({ page }) => {
  await page.goto('/?exten=400,410')
  await expect(page.getByRole('region', { name: 'Extension 410' })).toBeVisible()
  await page.getByRole('button', { name: 'Grid view' }).click()
  await expect(page.getByRole('button', { name: 'Grid view' })).toHaveAttribute('aria-pressed', 'true')
  await expect(page.getByRole('listitem', { name: 'Extension 410: Idle' })).toBeVisible()
  await expect(page.getByRole('region', { name: 'Extension 410' })).toHaveCount(0)
  await page.reload()
  await expect(page.getByRole('listitem', { name: 'Extension 410: Idle' })).toBeVisible()
  await page.getByRole('button', { name: 'Agent view' }).click()
  await expect(page.getByRole('region', { name: 'Extension 410' })).toBeVisible()
  // A wall-screen link wins over the stored choice.
  await page.goto('/?exten=400,410&view=grid')
  await expect(page.getByRole('listitem', { name: 'Extension 400: Idle' })).toBeVisible()
})
