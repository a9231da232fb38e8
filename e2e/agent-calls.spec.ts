import { expect, test } from './fixtures.ts'
import { seedSettings, simControl } from './sim.ts'

// Long user flows on a shared, busy machine.
test.describe.configure({ timeout: 120_000 })

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

test('dial: junk refused, no own extension explained, a good number dialled from SIP/<my ext> with auto-answer', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  await seedSettings(page, { myExtensions: [], extensions: ['400'], handset: 'polycom' })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  const box = page.getByRole('textbox', { name: 'Number to dial' })
  const dial = page.getByRole('button', { name: 'Dial', exact: true })

  await box.fill('02 9876 5432')
  await dial.click()
  await expect(page.getByRole('alert')).toHaveText('Set your own extension (My extensions, in Settings) to dial from.')

  await page.getByRole('button', { name: 'Settings' }).click()
  await page.getByRole('textbox', { name: /My extensions/ }).fill('410')
  await page.getByRole('button', { name: 'Save' }).click()
  await page.getByRole('button', { name: 'Close settings' }).click()

  await box.fill('call me maybe')
  await dial.click()
  await expect(page.getByRole('alert')).toContainText('is not a phone number')
  await expect(box).toHaveAttribute('aria-invalid', 'true')
  expect((await sim.requests()).filter((r) => r.method === 'dial')).toHaveLength(0)

  await box.fill('+61 2 9876 5432')
  await dial.click()
  await expect(page.getByText('Calling +61298765432 from 410')).toBeVisible()
  await expect(page.getByRole('alert')).toHaveCount(0)
  const dials = (await sim.requests()).filter((r) => r.method === 'dial')
  expect(dials).toHaveLength(1)
  expect(dials[0].params).toMatchObject({
    number: '+61298765432',
    extenOrUniqueId: 'SIP/410',
    callerId: '+61298765432',
    phoneCaption: '+61298765432',
    autoAnswer: 'Alert-Info: Ring Answer',
    monitored: 'yes',
  })

  // The monitored call shows up on my column, first, and connects.
  const card = page.getByRole('region', { name: 'Extension 410' }).getByRole('article')
  await expect(card).toContainText('+61298765432')
  await expect(card).toContainText('Connected')
  await expect(card).toContainText('Click-to-dial')
})

test('record and hang up a connected call: indicator on, off, login name required', async ({ page, request }) => {
  const sim = simControl(request)
  await seedSettings(page, { myExtensions: ['410'], extensions: ['400'], agentLoginName: '' })
  await page.goto('/')
  await expect(page.getByRole('status')).toHaveText('Live')
  const id = await sim.ring('410', { callerId: '0298765432' })
  const card = page.getByRole('region', { name: 'Extension 410' }).getByRole('article')
  await expect(card.getByRole('button', { name: 'Hang up' })).toHaveCount(0)
  await card.getByRole('button', { name: 'Answer' }).click()
  await expect(card).toContainText('Connected')

  await card.getByRole('button', { name: 'Record' }).click()
  await expect(card.getByRole('alert')).toHaveText('Set your agent login name in Settings before recording.')
  await expect(card.getByText('Recording', { exact: true })).toHaveCount(0)

  await page.getByRole('button', { name: 'Settings' }).click()
  await page.getByRole('textbox', { name: /Agent login name/ }).fill('jsmith')
  await page.getByRole('button', { name: 'Close settings' }).click()

  await card.getByRole('button', { name: 'Record' }).click()
  await expect(card.getByText('Recording', { exact: true })).toBeVisible()
  await expect(card.getByRole('button', { name: 'Stop recording' })).toHaveAttribute('aria-pressed', 'true')
  await expect(card.getByRole('alert')).toHaveCount(0)
  // Another name in Settings meanwhile: the stop still goes as the owner, whom the PBX checks.
  await page.getByRole('button', { name: 'Settings' }).click()
  await page.getByRole('textbox', { name: /Agent login name/ }).fill('bjones')
  await page.getByRole('button', { name: 'Close settings' }).click()
  // The PBX never says which calls it records: after a reload the panel still knows, and can stop it.
  await page.reload()
  await expect(page.getByRole('status')).toHaveText('Live')
  await expect(card.getByText('Recording', { exact: true })).toBeVisible()
  await card.getByRole('button', { name: 'Stop recording' }).click()
  await expect(card.getByText('Recording', { exact: true })).toHaveCount(0)
  await expect(card.getByRole('button', { name: 'Record' })).toBeVisible()
  const rec = (await sim.requests()).filter((r) => r.method === 'start' || r.method === 'stop')
  // Signed in, the server records as the session's user, whatever Settings says (docs/architecture.md).
  expect(rec.map((r) => [r.method, r.params.extenOrUniqueId, r.params.agentLoginName])).toEqual([
    ['start', id, 'e2e'],
    ['stop', id, 'e2e'],
  ])

  await card.getByRole('button', { name: 'Hang up' }).click()
  await expect(card).toContainText('Hung up')
  await expect(card.getByRole('button', { name: 'Hang up' })).toHaveCount(0)
  const hangups = (await sim.requests()).filter((r) => r.method === 'hangup')
  expect(hangups.map((r) => r.params.extenOrUniqueId)).toEqual([id])
})

// Its history and missed count come from the server's records: a user acting alone on 592 (scripts/e2e-server.mjs).
test.describe(() => {
  test.use({ user: 'hist2' })
  const MINE = '592'

  test('call history: answered, missed and outbound calls survive a reload; missed count; one-click call back', async ({
    page,
    request,
  }) => {
    const sim = simControl(request)
    await seedSettings(page, { myExtensions: [MINE], extensions: ['400'] }, 'hist2')
    await page.goto('/')
    await expect(page.getByRole('status')).toHaveText('Live')
    const col = page.getByRole('region', { name: `Extension ${MINE}` })
    const history = page.getByRole('region', { name: 'Call history' })
    await expect(history).toContainText('No calls on your extensions yet.')

    const answered = await sim.ring(MINE, { callerId: '0211111111' })
    await col.getByRole('button', { name: 'Answer' }).click()
    await expect(col.getByRole('article')).toContainText('Connected')
    await sim.status(answered, 'Hungup')
    const missed = await sim.ring(MINE, { callerId: '0222222222' })
    await expect(col.getByRole('article').filter({ hasText: '0222222222' })).toContainText('Ringing')
    await sim.status(missed, 'No Answer')
    const watched = await sim.ring('400', { callerId: '0733333333' })
    await sim.status(watched, 'Hungup')
    await page.getByRole('textbox', { name: 'Number to dial' }).fill('0244444444')
    await page.getByRole('button', { name: 'Dial', exact: true }).click()
    await expect(col.getByRole('article').filter({ hasText: '0244444444' })).toContainText('Connected')
    await col.getByRole('article').filter({ hasText: '0244444444' }).getByRole('button', { name: 'Hang up' }).click()

    const rows = history.getByRole('listitem')
    await expect(rows).toHaveCount(3)
    await expect(rows.nth(0)).toContainText('Outbound')
    await expect(rows.nth(0)).toContainText('0244444444')
    await expect(rows.nth(1)).toContainText('Missed')
    await expect(rows.nth(1)).toContainText('0222222222')
    await expect(rows.nth(2)).toContainText('Answered')
    await expect(rows.nth(2)).toContainText('0211111111')
    await expect(rows.nth(2)).toContainText(/on 592 · \d+:\d\d/)
    await expect(history).toContainText('1 missed')

    await page.reload()
    await expect(page.getByRole('status')).toHaveText('Live')
    await expect(rows).toHaveCount(3)
    await expect(rows.nth(1)).toContainText('Missed')
    await expect(history).toContainText('1 missed')
    await expect(page).toHaveTitle('(1 missed) Switchboard')
    await history.getByRole('button', { name: 'Mark seen' }).click()
    // Nothing to count, no badge (a "0 missed" badge read as a count to act on).
    await expect(history).not.toContainText('missed')
    await expect(page).toHaveTitle('Switchboard')

    await history.getByRole('button', { name: 'Call back 0222222222' }).click()
    await expect(page.getByText(`Calling 0222222222 from ${MINE}`)).toBeVisible()
    const dials = (await sim.requests()).filter((r) => r.method === 'dial')
    expect(dials.at(-1)!.params).toMatchObject({ number: '0222222222', extenOrUniqueId: `SIP/${MINE}` })
    await expect(col.getByRole('article').filter({ hasText: '0222222222' })).toContainText('Connected')
  })
})

test('tel: links: the handler is registered from Settings and ?dial= fills the dial box', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { __registered: string[][] }
    w.__registered = []
    navigator.registerProtocolHandler = (scheme: string, url: string) => void w.__registered.push([scheme, url])
  })
  await seedSettings(page, { myExtensions: ['410'], extensions: ['400'] })
  await page.goto('/?dial=tel%3A%2B61-2-9876-5432')
  const box = page.getByRole('textbox', { name: 'Number to dial' })
  await expect(box).toHaveValue('+61-2-9876-5432')
  await expect(box).toBeFocused()
  await expect(page).not.toHaveURL(/dial=/)

  await page.getByRole('button', { name: 'Settings' }).click()
  await page.getByRole('button', { name: 'Open tel: links in Switchboard' }).click()
  await expect(page.getByText(/tel: links will open here/)).toBeVisible()
  const registered = await page.evaluate(() => (window as unknown as { __registered: string[][] }).__registered)
  expect(registered).toEqual([['tel', `${new URL(page.url()).origin}/?dial=%s`]])
})
