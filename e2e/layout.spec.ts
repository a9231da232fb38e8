import { expect, test, type Page } from './fixtures.ts'
import { atWidth, cutTexts, overlappingTexts, pageBox, WIDTHS } from './layout-checks.ts'
import { seedSettings, simControl } from './sim.ts'

// Layout as behaviour (issue 22): at every width from a 360 px side panel to a 1920 px wall, with 3 and 8
// extensions, nothing an agent must read is cut, no two texts in a tile overlap, and no Answer button
// moves when another call arrives. The viewport loops sit inside few tests: each page load is slow here.
test.describe.configure({ timeout: 240_000 })

const EXTS = { 3: ['400', '410', '420'], 8: ['400', '410', '420', '430', '440', '450', '460', '470'] }
const CALLERS = /^(\+61298765432|Anonymous|0298765432|0411222333)$/

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
  await simControl(request).primeSeq()
})

/** The panel watching `exts` (the URL's list wins over the stored one), 410 mine, a CRM link set. */
async function open(page: Page, exts: string[], query = '') {
  await seedSettings(page, {
    myExtensions: ['410'],
    agentLoginName: 'sam',
    screenPopUrl: 'https://crm.example/find?n={callerId}',
  })
  await page.goto(`/?exten=${exts.join(',')}${query}`)
  await expect(page.getByRole('status')).toHaveText('Live')
}

/** Calls with the longest callers, on my extension and another; one recorded (its badge shows). Their ids. */
async function someCalls(page: Page, request: Parameters<typeof simControl>[0], last: string) {
  const sim = simControl(request)
  // Missed on my extension: a row in the history column.
  await sim.status(await sim.ring('410', { callerId: '+61411222333' }), 'Hungup')
  const ids = [await sim.ring('410', { callerId: '+61298765432' }), await sim.ring('400', { callerId: 'Anonymous' })]
  await sim.connect(ids[0], '410')
  ids.push(await sim.ring(last, { callerId: '0298765432' }))
  await sim.connect(ids[2], last)
  await page.getByRole('region', { name: 'Extension 410' }).getByRole('button', { name: 'Record' }).click()
  await expect(page.getByText('Recording', { exact: true })).toBeVisible()
  return ids
}

/** Hangs up `ids` (a page opened next starts from a snapshot without them). */
async function hangUp(request: Parameters<typeof simControl>[0], ids: string[]) {
  for (const id of ids) await simControl(request).status(id, 'Hungup')
}

test('agent view: the caller, the Recording badge and the status words are whole at every width (history column, CRM link)', async ({
  page,
  request,
}) => {
  for (const n of [3, 8] as const) {
    await open(page, EXTS[n])
    const ids = await someCalls(page, request, EXTS[n].at(-1)!)
    const cards = page.locator('section[data-ext]:not([data-ext="rehearsal"]) article')
    await expect(cards).toHaveCount(3)
    await expect(page.getByRole('region', { name: 'Call history' })).toBeVisible()
    for (const width of WIDTHS) {
      await atWidth(page, width)
      const at = `${n} extensions at ${width} px`
      await expect.poll(() => cutTexts(cards.getByText(CALLERS), 'article'), { message: `callers, ${at}` }).toEqual([])
      expect(await cards.getByText(CALLERS).count(), at).toBe(3)
      await expect
        .poll(() => cutTexts(cards.getByText(/^(Ringing|Connected)$/), 'article'), { message: `status, ${at}` })
        .toEqual([])
      await expect
        .poll(() => cutTexts(cards.getByText('Recording', { exact: true }).locator('..'), 'article'), { message: at })
        .toEqual([])
      const history = page.getByRole('list', { name: 'Recent calls' }).getByText('+61411222333')
      // One row per n (the history is kept across the page loads of this test).
      await expect(history.first()).toBeVisible()
      await expect.poll(() => cutTexts(history, 'li'), { message: `history, ${at}` }).toEqual([])
    }
    await hangUp(request, ids)
  }
})

test('agent view: an Answer button does not move when a second call arrives on my extension', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  for (const n of [3, 8] as const) {
    const other = EXTS[n].at(-1)!
    await open(page, EXTS[n])
    for (const width of WIDTHS) {
      await atWidth(page, width)
      const ids = [await sim.ring('410', { callerId: '0211110001' }), await sim.ring(other, { callerId: '0211110002' })]
      const mine = page.getByRole('region', { name: 'Extension 410' })
      const answers = [
        mine.getByRole('button', { name: 'Answer' }),
        page.getByRole('region', { name: `Extension ${other}` }).getByRole('button', { name: 'Answer' }),
      ]
      await expect(answers[0]).toBeVisible()
      await expect(answers[1]).toBeVisible()
      const before = await Promise.all(answers.map(pageBox))
      ids.push(await sim.ring('410', { callerId: '0211110003' }))
      await expect(mine.getByRole('article')).toHaveCount(2)
      const after = await Promise.all([answers[0].first(), answers[1]].map(pageBox))
      expect(after, `${n} extensions at ${width} px`).toEqual(before)
      for (const id of ids) await sim.status(id, 'Hungup')
      await expect(page.getByRole('button', { name: 'Answer' })).toHaveCount(0)
    }
  }
})

test('grid and wall: every caller and state word whole, no two texts in a tile overlap, the counts whole', async ({
  page,
  request,
}) => {
  for (const n of [3, 8] as const) {
    await open(page, EXTS[n])
    const ids = await someCalls(page, request, EXTS[n].at(-1)!)
    for (const view of ['Grid view', 'Wall'] as const) {
      await page.getByRole('button', { name: view, exact: true }).click()
      const tiles = page.getByRole('list', { name: 'Extensions' }).getByRole('listitem')
      await expect(tiles).toHaveCount(n)
      for (const width of WIDTHS) {
        await atWidth(page, width)
        const at = `${view}, ${n} extensions at ${width} px`
        expect(await tiles.getByText(CALLERS).count(), at).toBe(3)
        await expect.poll(() => cutTexts(tiles.getByText(CALLERS), 'li'), { message: `callers, ${at}` }).toEqual([])
        await expect.poll(() => overlappingTexts(tiles), { message: at }).toEqual([])
        if (view === 'Wall') {
          const counts = page.getByRole('region', { name: 'Wall screen' }).getByRole('button', { name: /^\d+ / })
          await expect.poll(() => cutTexts(counts, 'div'), { message: `counts, ${at}` }).toEqual([])
        }
      }
    }
    await page.getByRole('button', { name: 'Agent view' }).click()
    await hangUp(request, ids)
  }
})

test('wall of 60 and of 300 tiles at 1280 and 1920 px: the caller whole, never under the timer', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  for (const count of [60, 300]) {
    const exts = Array.from({ length: count }, (_, i) => String(6000 + i))
    await page.goto(`/?view=wall&exten=${exts.join(',')}`)
    await expect(page.getByRole('status')).toHaveText('Live')
    if (count === 60) {
      await sim.ring('6001', { callerId: '+61298765432' })
      await sim.connect(await sim.ring('6002', { callerId: '0411222333' }), '6002')
      await sim.ring('6003', { callerId: 'Anonymous' })
    }
    const tiles = page.getByRole('region', { name: 'Wall screen' }).getByRole('listitem')
    await expect(tiles).toHaveCount(count)
    await expect(tiles.getByText(CALLERS)).toHaveCount(3)
    for (const width of [1280, 1920]) {
      await atWidth(page, width, width === 1280 ? 800 : 1080)
      await expect.poll(() => cutTexts(tiles.getByText(CALLERS), 'li'), { message: `${count} at ${width}` }).toEqual([])
      await expect
        .poll(() => overlappingTexts(tiles.filter({ has: page.getByText(CALLERS) })), {
          message: `${count} at ${width}`,
        })
        .toEqual([])
    }
  }
})

test('the status line: whole while reconnecting at 480 px, and no empty band under it in any view', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  await open(page, EXTS[3])
  for (const view of ['Agent view', 'Grid view', 'Wall'] as const) {
    await page.getByRole('button', { name: view, exact: true }).click()
    for (const width of WIDTHS) {
      await atWidth(page, width)
      // The header ends with the status line when there is nothing to say: no line kept empty below it.
      const band = await page.evaluate(() => {
        const header = document.querySelector('header')!.getBoundingClientRect()
        const status = document.querySelector('[role="status"]')!.parentElement!.getBoundingClientRect()
        return Math.round(header.bottom - status.bottom)
      })
      expect(band, `${view} at ${width} px`).toBeLessThanOrEqual(4)
    }
  }
  await atWidth(page, 480)
  await sim.fault(...Array.from({ length: 6 }, () => ({ kind: 'http', status: 503 })))
  await sim.ring('410', { callerId: '0291110003' })
  const status = page.getByRole('status')
  await expect(status).toHaveText(/^Reconnecting: The PBX answered HTTP 503 — (next try in \d+ s|trying now)$/)
  await expect.poll(() => cutTexts(status.locator('span'), 'header')).toEqual([])
  await sim.clearFaults()
})

test('the message line: "Answering …" goes when the call connects, an error when the next action is taken', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  await open(page, EXTS[3])
  const dial = page.getByRole('textbox', { name: 'Number to dial' })
  await dial.fill('12ab')
  await page.getByRole('button', { name: 'Dial', exact: true }).click()
  const alert = page.getByRole('alert').filter({ hasText: /./ })
  await expect(alert).toHaveCount(1)
  const id = await sim.ring('410', { callerId: '0298765432' })
  await expect(page.getByRole('button', { name: 'Answer' })).toBeVisible()
  await page.keyboard.press('Alt+A')
  // The next action replaces the error: the line now speaks of the answer.
  await expect(page.getByText('Answering 0298765432 on 410')).toBeVisible()
  await expect(alert).toHaveCount(0)
  await sim.connect(id, '410')
  await expect(page.getByRole('region', { name: 'Extension 410' })).toContainText('Connected')
  // Well inside the old 6 s the hint stayed for: gone because the call connected, not because time passed.
  await expect(page.getByText('Answering 0298765432 on 410')).toHaveCount(0, { timeout: 2000 })
})

test('kiosk mode: the wall alone, no header or banner; Esc brings them back', async ({ page }) => {
  const exts = Array.from({ length: 60 }, (_, i) => String(6000 + i))
  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.goto(`/?view=wall&kiosk=1&exten=${exts.join(',')}`)
  const tiles = page.getByRole('region', { name: 'Wall screen' }).getByRole('listitem')
  await expect(tiles).toHaveCount(60)
  await expect(page.getByRole('heading', { name: 'Switchboard' })).toHaveCount(0)
  await expect(page.getByRole('note')).toHaveCount(0)
  // The wall takes the whole screen: its tiles reach the bottom of the window, less a margin.
  const bottom = await tiles.last().evaluate((el) => innerHeight - el.getBoundingClientRect().bottom)
  expect(bottom).toBeLessThan(40)
  await page.keyboard.press('Escape')
  await expect(page.getByRole('heading', { name: 'Switchboard' })).toBeVisible()
  await expect(page).not.toHaveURL(/kiosk=1/)
})

test('the shortcuts dialog: every key box as high as the others (A and Alt+A not stretched by a long description)', async ({
  page,
}) => {
  await open(page, EXTS[3])
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
  const keys = page.getByRole('dialog').locator('kbd')
  await expect(keys.first()).toBeVisible()
  for (const width of [360, 1280]) {
    await atWidth(page, width)
    const heights = await keys.evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().height)))
    expect(new Set(heights).size, `${width} px: ${heights.join(', ')}`).toBe(1)
  }
})
