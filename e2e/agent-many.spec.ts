import { expect, test, type Page } from './fixtures.ts'
import { seedSettings, simControl } from './sim.ts'

// The agent view with 1,000 extensions renders only the rows near the screen; everything else
// must still be there the moment the agent scrolls or a notification points at it.
const EXTS = Array.from({ length: 1000 }, (_, i) => String(3000 + i))
const LOAD = { timeout: 60_000 }

test.beforeEach(async ({ request }) => {
  test.slow()
  await simControl(request).reset()
})

const column = (page: Page, ext: string) => page.getByRole('region', { name: `Extension ${ext}` })

test('a 1,000-extension agent view holds a screenful in the DOM and shows any column on scroll', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.goto(`/?exten=${EXTS.join(',')}`)
  await expect(page.getByRole('status')).toHaveText('Live', LOAD)
  await expect(column(page, '3000')).toBeVisible()
  const rendered = await page.getByRole('region', { name: /^Extension \d+$/ }).count()
  expect(rendered).toBeGreaterThan(3)
  expect(rendered).toBeLessThan(100)

  // Calls ring at the top, the middle and the very end; all reach the screen as it is scrolled.
  await sim.ring('3001', { callerId: '0298765432' })
  await sim.ring('3500', { callerId: '0411222333' })
  await sim.ring('3999', { callerId: '0733334444' })
  await expect(column(page, '3001').getByRole('article', { name: 'Ringing: 0298765432' })).toBeVisible()
  await expect(column(page, '3999')).toHaveCount(0)

  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
  const last = column(page, '3999')
  await expect(last.getByRole('article', { name: 'Ringing: 0733334444' })).toBeInViewport()
  await expect(column(page, '3001')).toHaveCount(0)

  // The middle, found by scrolling as an agent would (up or down by the extensions in view), answered there.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2))
  const middle = column(page, '3500')
  for (let i = 0; i < 40 && !(await middle.count()); i++) {
    const shown = await page
      .locator('section[data-ext]')
      .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-ext'))))
    await page.mouse.wheel(0, Math.min(...shown) > 3500 ? -400 : 400)
    // Two frames: the scroll lands and the window of rows follows it.
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
  }
  await middle.getByRole('button', { name: 'Answer' }).click()
  await expect(middle.getByRole('article', { name: /^Connected: 0411222333/ })).toBeVisible()

  // A call that rings while its column is off screen is there, current, when scrolled back.
  await sim.ring('3002', { callerId: '0390001234' })
  await page.evaluate(() => window.scrollTo(0, 0))
  await expect(column(page, '3002').getByRole('article', { name: 'Ringing: 0390001234' })).toBeInViewport()
})

test('a desktop notification for a call whose column is far off screen brings it into view and focuses it', async ({
  page,
  context,
  request,
}) => {
  const sim = simControl(request)
  await context.grantPermissions(['notifications'])
  await page.addInitScript(() => {
    const w = window as unknown as { __shown: { onclick: (() => void) | null }[]; __away: boolean }
    w.__shown = []
    w.__away = false
    const Real = window.Notification
    class Observed {
      onclick: (() => void) | null = null
      constructor() {
        w.__shown.push(this)
      }
      close() {}
      static get permission() {
        return Real.permission
      }
    }
    ;(window as unknown as { Notification: unknown }).Notification = Observed
    // The agent is in another window: the page is visible but not focused.
    Document.prototype.hasFocus = () => !w.__away
  })
  // My extension's column comes first; the agent has scrolled to the bottom of 1,000.
  const mine = '3700'
  await seedSettings(page, { myExtensions: [mine], extensions: EXTS, notifications: true })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live', LOAD)
  await expect(column(page, mine)).toBeVisible()
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
  await expect(column(page, mine)).toHaveCount(0)

  await page.evaluate(() => ((window as unknown as { __away: boolean }).__away = true))
  await sim.ring(mine, { callerId: '0298001122' })
  await expect.poll(() => page.evaluate(() => (window as unknown as { __shown: unknown[] }).__shown.length)).toBe(1)
  await page.evaluate(() => (window as unknown as { __shown: { onclick: () => void }[] }).__shown[0].onclick())
  const card = column(page, mine).getByRole('article', { name: 'Ringing: 0298001122' })
  await expect(card).toBeInViewport()
  await expect(card).toBeFocused()
})
