import { expect, test } from './fixtures.ts'
import { seedSettings, simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

test('the ringtone plays only while a call rings on my extension, after one click on "Enable sound"', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  // Count real Web Audio oscillator starts and stops: the page, not a flag, makes the sound.
  await page.addInitScript(() => {
    const w = window as unknown as { __osc: { started: number; stopped: number } }
    w.__osc = { started: 0, stopped: 0 }
    const { start, stop } = OscillatorNode.prototype
    OscillatorNode.prototype.start = function (...a) {
      w.__osc.started++
      return start.apply(this, a)
    }
    OscillatorNode.prototype.stop = function (...a) {
      w.__osc.stopped++
      return stop.apply(this, a)
    }
  })
  await seedSettings(page, { myExtensions: ['410'], extensions: ['400'] })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  const audio = page.getByTestId('audio-state')
  const osc = () => page.evaluate(() => (window as unknown as { __osc: { started: number; stopped: number } }).__osc)
  await expect(audio).toHaveAttribute('data-audio', 'none')

  // Ringing before sound is enabled: nothing plays, the button offers to enable it.
  const first = await sim.ring('410', { callerId: '0298765432' })
  await expect(page.getByRole('region', { name: 'Extension 410' }).getByRole('article')).toContainText('Ringing')
  await expect(audio).toHaveAttribute('data-ringtone', 'stopped')

  await page.getByRole('button', { name: 'Enable sound' }).click()
  await expect(audio).toHaveAttribute('data-audio', 'running', { timeout: 20_000 })
  await expect(audio).toHaveAttribute('data-ringtone', 'playing')
  await expect(page.getByRole('button', { name: 'Sound on' })).toHaveAttribute('aria-pressed', 'true')
  expect((await osc()).started).toBe(2)

  // Leaves Ringing: silence at once.
  await sim.connect(first, '410')
  await expect(page.getByRole('region', { name: 'Extension 410' }).getByRole('article')).toContainText('Connected')
  await expect(audio).toHaveAttribute('data-ringtone', 'stopped')
  expect(await osc()).toEqual({ started: 2, stopped: 2 })

  // A call on an extension I merely watch does not ring.
  await sim.ring('400', { callerId: '0755501234' })
  await expect(page.getByRole('region', { name: 'Extension 400' }).getByRole('article')).toContainText('Ringing')
  await expect(audio).toHaveAttribute('data-ringtone', 'stopped')

  // Sound survives a reload as a setting; audio needs a gesture again, and any click gives it.
  const second = await sim.ring('410', { callerId: '0311112222' })
  await expect(audio).toHaveAttribute('data-ringtone', 'playing')
  await page.reload()
  await expect(
    page.getByRole('region', { name: 'Extension 410' }).getByRole('article').filter({ hasText: '0311112222' }),
  ).toContainText('Ringing')
  await expect(audio).toHaveAttribute('data-ringtone', 'stopped')
  await page.getByRole('heading', { name: 'Switchboard' }).click()
  // Starting an audio device can be slow on a loaded machine.
  await expect(audio).toHaveAttribute('data-ringtone', 'playing', { timeout: 20_000 })
  await sim.status(second, 'Hungup')
  await expect(audio).toHaveAttribute('data-ringtone', 'stopped')
})

// Its history and missed count come from the server's records: a user acting alone on 591 (scripts/e2e-server.mjs).
test.describe(() => {
  test.use({ user: 'hist1' })
  const MINE = '591'

  test('the tab title flashes while my call rings and is restored after', async ({ page, request }) => {
    const sim = simControl(request)
    await seedSettings(page, { myExtensions: [MINE], extensions: ['400'] }, 'hist1')
    await page.clock.install()
    await page.goto('/')
    await expect(page.getByRole('status')).toHaveText('Live')
    await expect(page).toHaveTitle('Switchboard')
    const id = await sim.ring(MINE, { callerId: '0298765432' })
    await expect(page).toHaveTitle(`📞 0298765432 ringing on ${MINE}`)
    await expect(page).toHaveTitle('Switchboard')
    await expect(page).toHaveTitle(`📞 0298765432 ringing on ${MINE}`)
    await sim.status(id, 'Hungup')
    await expect(page.getByRole('region', { name: `Extension ${MINE}` }).getByRole('article')).toContainText('Hung up')
    // Stays restored (with the call it missed counted): no flash timer left behind to flip it back.
    await expect(page).toHaveTitle('(1 missed) Switchboard')
    await page.clock.runFor(3500)
    expect(await page.title()).toBe('(1 missed) Switchboard')
  })
})

test('desktop notification: permission from a button, shown while away, click focuses the card, closed when answered elsewhere', async ({
  page,
  context,
  request,
}) => {
  const sim = simControl(request)
  // Observe notifications (the real permission still comes from the browser context).
  await page.addInitScript(() => {
    type Shown = {
      title: string
      body?: string
      tag?: string
      closed: boolean
      onclick: (() => void) | null
      close(): void
    }
    const w = window as unknown as { __shown: Shown[]; __away: boolean }
    w.__shown = []
    w.__away = false
    const Real = window.Notification
    class Observed {
      title: string
      body?: string
      tag?: string
      closed = false
      onclick: (() => void) | null = null
      constructor(title: string, opts?: NotificationOptions) {
        this.title = title
        this.body = opts?.body
        this.tag = opts?.tag
        w.__shown.push(this)
      }
      close() {
        this.closed = true
      }
      static get permission() {
        return Real.permission
      }
      static requestPermission() {
        return Real.requestPermission()
      }
    }
    ;(window as unknown as { Notification: unknown }).Notification = Observed
    // The agent is in another window: the page is visible but not focused.
    Document.prototype.hasFocus = () => !w.__away
  })
  await seedSettings(page, { myExtensions: ['410'], extensions: ['400'] })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  const shown = () =>
    page.evaluate(() =>
      (window as unknown as { __shown: { title: string; body?: string; closed: boolean }[] }).__shown.map(
        ({ title, body, closed }) => ({ title, body, closed }),
      ),
    )

  // Not asked on load; asked from the button, granted by the browser.
  await page.getByRole('button', { name: 'Settings' }).click()
  const allow = page.getByRole('button', { name: 'Allow desktop notifications' })
  await expect(allow).toBeVisible()
  expect(await page.evaluate(() => Notification.permission)).toBe('default')
  await context.grantPermissions(['notifications'])
  await allow.click()
  const toggle = page.getByRole('checkbox', { name: /Desktop notifications/ })
  await expect(toggle).toBeChecked()
  await page.getByRole('button', { name: 'Close settings' }).click()

  // While the agent looks at the panel: no notification.
  const seen = await sim.ring('410', { callerId: '0200000001' })
  await expect(page.getByRole('region', { name: 'Extension 410' }).getByRole('article')).toContainText('0200000001')
  await sim.status(seen, 'Hungup')
  await expect(page.getByRole('region', { name: 'Extension 410' }).getByRole('article')).toContainText('Hung up')
  expect(await shown()).toEqual([])

  await page.evaluate(() => ((window as unknown as { __away: boolean }).__away = true))
  await sim.ring('400', { callerId: '0700000000' })
  const id = await sim.ring('410', { callerId: '0298765432' })
  await expect.poll(shown).toEqual([{ title: 'Call ringing on 410', body: 'From 0298765432', closed: false }])

  await page.evaluate(() => (window as unknown as { __shown: { onclick: () => void }[] }).__shown[0].onclick())
  const card = page
    .getByRole('region', { name: 'Extension 410' })
    .getByRole('article')
    .filter({ hasText: '0298765432' })
  await expect(card).toBeFocused()
  await expect.poll(shown).toEqual([{ title: 'Call ringing on 410', body: 'From 0298765432', closed: true }])

  // A second ring, answered at the desk phone: its notification goes the moment it connects.
  await sim.status(id, 'Hungup')
  const other = await sim.ring('410', { callerId: '0311112222' })
  await expect.poll(async () => (await shown()).length).toBe(2)
  await sim.connect(other, '410')
  await expect
    .poll(async () => (await shown())[1])
    .toEqual({ title: 'Call ringing on 410', body: 'From 0311112222', closed: true })
})
