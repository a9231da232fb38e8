import { expect, test, type Locator, type Page } from './fixtures.ts'
import { seriousViolations } from './axe.ts'
import { seedSettings, simControl } from './sim.ts'

// What a new agent hit on a first look (issue 16): each test failed on the code before its fix.
test.describe.configure({ timeout: 120_000 })

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
  await simControl(request).primeSeq()
})

const region = (page: Page, ext: string) => page.getByRole('region', { name: `Extension ${ext}`, exact: true })

/** The control is on screen and is what a click at its centre reaches (nothing lies over it). */
async function expectClickable(control: Locator) {
  await expect(control).toBeVisible()
  await control.scrollIntoViewIfNeeded()
  const hit = await control.evaluate((el) => {
    const r = el.getBoundingClientRect()
    const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2)
    return !!top && (top === el || el.contains(top))
  })
  expect(hit, `${await control.textContent()} is the element at its own centre`).toBe(true)
}

/** Starts recording layout shifts (all of them: a click does not excuse moving what the agent reads). */
async function watchShifts(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __shifts: { value: number; nodes: string[] }[] }
    w.__shifts = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as {
        value: number
        sources: { node?: Node | null }[]
      }[]) {
        const main = document.querySelector('main')
        // History's rows, newest first, move down for each new call by design; it sits beside or below the
        // calls, so the section itself must stay put but what moves inside it is not the calls area.
        const history = document.querySelector('section[aria-labelledby="history-heading"]')
        const inHistory = (n: Node) => n !== history && !!history?.contains(n)
        const inCalls = e.sources.filter((s) => s.node && main?.contains(s.node) && !inHistory(s.node))
        if (inCalls.length)
          w.__shifts.push({
            value: e.value,
            nodes: inCalls.map((s) => (s.node as Element).outerHTML?.slice(0, 80) ?? s.node?.nodeName ?? ''),
          })
      }
    }).observe({ type: 'layout-shift' })
  })
}
const shifts = (page: Page) =>
  page.evaluate(() => (window as unknown as { __shifts: { value: number; nodes: string[] }[] }).__shifts)

for (const width of [390, 480]) {
  test(`at ${width} px every Answer is clickable: history is out of the way, in one column`, async ({
    page,
    request,
  }) => {
    const sim = simControl(request)
    await page.setViewportSize({ width, height: 800 })
    await seedSettings(page, { myExtensions: ['410'], extensions: ['400', '420'] })
    await page.goto('/')
    await expect(page.getByRole('status')).toHaveText('Live')
    // Missed calls in the history, so its panel is as tall as an agent's is by mid-morning.
    for (const n of [1, 2, 3]) await sim.status(await sim.ring('410', { callerId: `020000000${n}` }), 'No Answer')
    await expect(page.getByRole('listitem').filter({ hasText: '0200000003' })).toBeVisible()
    await expect(region(page, '410').getByRole('article')).toHaveCount(0, { timeout: 20_000 })
    for (const ext of ['410', '400', '420']) await sim.ring(ext, { callerId: `02000000${ext.slice(1)}` })
    for (const ext of ['410', '400', '420'])
      await expectClickable(region(page, ext).getByRole('button', { name: 'Answer' }))
    await expectClickable(page.getByRole('button', { name: 'Dial', exact: true }))
  })
}

for (const width of [390, 1280]) {
  test(`at ${width} px nothing in the calls area moves for a ring, an answer, a message, a dial or a fault`, async ({
    page,
    request,
  }) => {
    const sim = simControl(request)
    await page.setViewportSize({ width, height: 900 })
    await seedSettings(page, { myExtensions: ['410'], extensions: ['400', '420'] })
    await page.goto('/')
    await expect(page.getByRole('status')).toHaveText('Live')
    await watchShifts(page)

    // A ring, and the A key's "Answering…" message.
    const id = await sim.ring('410', { callerId: '0211112222' })
    const answer = region(page, '410').getByRole('button', { name: 'Answer' })
    await expect(answer).toBeVisible()
    await page.keyboard.press('a')
    await expect(page.getByText('Answering 0211112222 on 410')).toBeVisible()
    await sim.connect(id, '410')
    await expect(region(page, '410').getByRole('article')).toContainText('Connected')
    expect(await shifts(page), 'ring and answer').toEqual([])

    // A dial, after hanging up, and its result line.
    await sim.status(id, 'Hungup')
    await expect(region(page, '410').getByRole('article')).toContainText('Hung up')
    await page.getByRole('textbox', { name: 'Number to dial' }).fill('0298765432')
    await page.getByRole('button', { name: 'Dial', exact: true }).click()
    await expect(page.getByText('Calling 0298765432 from 410')).toBeVisible()
    expect(await shifts(page), 'dial').toEqual([])

    // A fault: the status says so, the page does not jump.
    await sim.fault(...Array.from({ length: 6 }, () => ({ kind: 'http', status: 503 })))
    await sim.ring('420', { callerId: '0233334444' })
    await expect(page.getByRole('status')).toHaveText(/^Reconnecting/)
    // At 390 px the server's sentence wraps to be read whole (issue 21) and the header grows: the calls may
    // move only as one block (<main> itself), nothing inside them rearranged. Wider, nothing moves at all.
    const moved = await shifts(page)
    if (width < 1024)
      expect(
        moved.flatMap((s) => s.nodes).filter((n) => !n.startsWith('<main ')),
        'fault',
      ).toEqual([])
    else expect(moved, 'fault').toEqual([])
  })
}

test('the dial message and the number go once the dialled call has ended', async ({ page, request }) => {
  const sim = simControl(request)
  await seedSettings(page, { myExtensions: ['410'], extensions: ['400'] })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  const box = page.getByRole('textbox', { name: 'Number to dial' })
  await box.fill('02 9876 5432')
  await page.getByRole('button', { name: 'Dial', exact: true }).click()
  const message = page.getByText('Calling 0298765432 from 410: your handset picks up by itself.')
  await expect(message).toBeVisible()
  const card = region(page, '410').getByRole('article').filter({ hasText: '0298765432' })
  await expect(card).toContainText('Connected')
  await sim.status((await card.getAttribute('data-call-id'))!, 'Hungup')
  await expect(message).toHaveCount(0)
  await expect(box).toHaveValue('')
})

test('while the feed is down, calls look it: timers stop, Answer is off; the cause is readable at 390 px', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  await page.setViewportSize({ width: 390, height: 800 })
  await seedSettings(page, { myExtensions: ['410'], extensions: ['400'] })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  await sim.ring('410', { callerId: '0255556666' })
  const card = region(page, '410').getByRole('article')
  await expect(card.getByRole('button', { name: 'Answer' })).toBeEnabled()
  await sim.fault(...Array.from({ length: 30 }, () => ({ kind: 'http', status: 503 })))
  await sim.ring('400', { callerId: '0277778888' })
  // The server's own sentence (issue 21: the panel shows the server's message), never a page of the PBX's.
  await expect(page.getByRole('status')).toHaveText(/^Reconnecting: The PBX answered HTTP 503/)
  await expect(card.getByRole('button', { name: 'Answer' })).toBeDisabled()
  const frozen = await card.textContent()
  // The shared 1 s ticker has ticked at least twice: a live timer would have moved.
  await page.waitForFunction(() => new Promise((r) => setTimeout(() => r(true), 2100)))
  expect(await card.textContent()).toBe(frozen)
  // Readable whole at 390 px, and Details has the rest.
  const status = page.getByRole('status')
  expect(await status.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true)
  await page.getByRole('button', { name: 'Details' }).click()
  await expect(page.getByText(/Calls on screen are as the PBX last reported them/)).toBeVisible()
  await sim.clearFaults()
})

test('with notifications already allowed by the browser, Settings shows them on', async ({ page, context }) => {
  await context.grantPermissions(['notifications'])
  await seedSettings(page, { myExtensions: ['410'], extensions: ['400'] })
  await page.goto('/')
  await page.getByRole('button', { name: 'Settings' }).click()
  await expect(page.getByRole('checkbox', { name: /Desktop notifications/ })).toBeChecked()
})

test('"Not known yet" sits inside its dashed box with room on either side at 1280 px', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  let release = () => {}
  const held = new Promise<void>((r) => (release = r))
  await page.route('**/api/pbx/subscribe*', async (route) => {
    await held
    await route.continue()
  })
  await page.goto('/?exten=400,410,420')
  const box = region(page, '410').getByText('Not known yet — waiting for the PBX')
  await expect(box).toBeVisible()
  const inset = await box.evaluate((p) => {
    const range = document.createRange()
    range.selectNodeContents(p)
    const text = range.getBoundingClientRect()
    const r = p.getBoundingClientRect()
    return Math.min(text.left - r.left, r.right - text.right)
  })
  expect(inset).toBeGreaterThanOrEqual(12)
  release()
})

test("hanging up or recording a colleague's call asks first; my own does not", async ({ page, request }) => {
  const sim = simControl(request)
  await seedSettings(page, { myExtensions: ['410'], extensions: ['400'], agentLoginName: 'agent7' })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  const theirs = await sim.ring('400', { callerId: '0212121212' })
  await sim.connect(theirs, '400')
  const card = region(page, '400').getByRole('article')
  await expect(card).toContainText('Connected')
  const hangups = async () => (await sim.requests()).filter((r) => r.method === 'hangup').length

  await card.getByRole('button', { name: 'Hang up' }).click()
  const ask = page.getByRole('dialog', { name: "Hang up a colleague's call?" })
  await expect(ask).toBeVisible()
  await ask.getByRole('button', { name: 'Cancel' }).click()
  await expect(ask).toHaveCount(0)
  expect(await hangups()).toBe(0)

  await card.getByRole('button', { name: 'Record' }).click()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)
  expect((await sim.requests()).filter((r) => r.method === 'startRecording')).toHaveLength(0)

  await card.getByRole('button', { name: 'Hang up' }).click()
  await ask.getByRole('button', { name: 'Hang up' }).click()
  await expect(card).toContainText('Hung up')
  expect(await hangups()).toBe(1)

  const mine = await sim.ring('410', { callerId: '0234343434' })
  await sim.connect(mine, '410')
  const myCard = region(page, '410').getByRole('article').filter({ hasText: '0234343434' })
  await myCard.getByRole('button', { name: 'Hang up' }).click()
  await expect(myCard).toContainText('Hung up')
  expect(await hangups()).toBe(2)
})

test('with 40 extensions every one is in the page (find-in-page, screen readers), and no find box', async ({
  page,
}) => {
  const exts = Array.from({ length: 40 }, (_, i) => String(500 + i))
  await page.setViewportSize({ width: 1280, height: 800 })
  await seedSettings(page, { myExtensions: [], extensions: exts })
  // The windowed renderer (and @tanstack/react-virtual) is loaded only above 100 extensions.
  const windowing: string[] = []
  page.on('request', (r) => {
    if (/windowed-rows|react-virtual/.test(r.url())) windowing.push(r.url())
  })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  await expect(page.getByRole('region', { name: /^Extension \d+$/ })).toHaveCount(40)
  await expect(region(page, '539')).toBeAttached()
  await expect(page.getByRole('searchbox')).toHaveCount(0)
  expect(windowing).toEqual([])
  await page.getByRole('button', { name: 'Grid view' }).click()
  await expect(page.getByRole('listitem', { name: /^Extension \d+:/ })).toHaveCount(40)
})

test('with no extension of mine the agent view says so from the first paint and leads to My extensions', async ({
  page,
  request,
}) => {
  await seedSettings(page, { myExtensions: [], extensions: ['400', '410'] })
  // Every layout shift in the calls area since the page began (buffered): the prompt must not move them.
  await page.addInitScript(() => {
    const w = window as unknown as { __loadShifts: string[] }
    w.__loadShifts = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { sources: { node?: Node | null }[] }[])
        for (const s of e.sources)
          if (s.node && document.querySelector('main')?.contains(s.node))
            w.__loadShifts.push((s.node as Element).outerHTML?.slice(0, 80) ?? s.node.nodeName)
    }).observe({ type: 'layout-shift', buffered: true })
  })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  const prompt = page.getByRole('region', { name: 'Set your own extensions to take calls' })
  await expect(prompt).toContainText(
    'the A shortcut, Dial, call history, the ringtone, notifications and the title flash',
  )
  await simControl(request).ring('410', { callerId: '0256565656' })
  await expect(region(page, '410').getByRole('article')).toContainText('Ringing')
  expect(await page.evaluate(() => (window as unknown as { __loadShifts: string[] }).__loadShifts)).toEqual([])
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme })
    await expect(page.locator('html')).toHaveClass(colorScheme === 'dark' ? /\bdark\b/ : /^(?!.*\bdark\b)/)
    expect(await seriousViolations(page), `axe, ${colorScheme}`).toEqual([])
  }

  const setUp = prompt.getByRole('button', { name: 'Set my extensions' })
  await setUp.click()
  const drawer = page.getByRole('dialog', { name: 'Settings' })
  const mine = drawer.getByRole('textbox', { name: /^My extensions/ })
  await expect(mine).toBeFocused()
  await page.keyboard.type('410')
  await page.keyboard.press('Enter')
  await expect(prompt).toHaveCount(0)
  await page.keyboard.press('Escape')
  await expect(drawer).toHaveCount(0)
  // The note that opened it is gone: focus lands on Settings, not lost on the page.
  await expect(page.getByRole('button', { name: 'Settings' })).toBeFocused()
  // Now it is mine: the A shortcut answers its ringing call.
  await page.keyboard.press('a')
  await expect(page.getByText('Answering 0256565656 on 410')).toBeVisible()
})

test('a page opened while the PBX is failing does not move the calls area when the feed comes back', async ({
  page,
  request,
}) => {
  // The status line grew 4 px for its Details and Retry now buttons: every call moved twice (down, then back).
  await simControl(request).fault(...Array.from({ length: 3 }, () => ({ kind: 'http', status: 503 })))
  await seedSettings(page, { myExtensions: [], extensions: ['400', '410'] })
  await page.addInitScript(() => {
    const w = window as unknown as { __loadShifts: string[] }
    w.__loadShifts = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { sources: { node?: Node | null }[] }[])
        for (const s of e.sources)
          if (s.node && document.querySelector('main')?.contains(s.node))
            w.__loadShifts.push((s.node as Element).outerHTML?.slice(0, 80) ?? s.node.nodeName)
    }).observe({ type: 'layout-shift', buffered: true })
  })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText(/^Cannot connect: The PBX answered HTTP 503/)
  await expect(page.getByRole('status')).toHaveText('Live', { timeout: 20_000 })
  expect(await page.evaluate(() => (window as unknown as { __loadShifts: string[] }).__loadShifts)).toEqual([])
})

test('Diagnostics opens as a drawer like Settings: the calls stay put, Escape closes it, focus returns', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 })
  await seedSettings(page, { myExtensions: ['410'], extensions: ['400'] })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  await watchShifts(page)
  const open = page.getByRole('button', { name: 'Diagnostics', exact: true })
  await open.click()
  const drawer = page.getByRole('dialog', { name: 'Diagnostics' })
  await expect(drawer.getByRole('table')).toBeVisible()
  await expect(drawer.getByRole('button', { name: 'Download diagnostics' })).toBeVisible()
  expect(await seriousViolations(page)).toEqual([])
  await page.keyboard.press('Escape')
  await expect(drawer).toHaveCount(0)
  await expect(open).toBeFocused()
  await open.click()
  await drawer.getByRole('button', { name: 'Close diagnostics' }).click()
  await expect(drawer).toHaveCount(0)
  await expect(open).toBeFocused()
  expect(await shifts(page), 'opening and closing Diagnostics').toEqual([])
})
