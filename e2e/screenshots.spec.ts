import { expect, test, type Page } from './fixtures.ts'
import { seedSettings, simControl } from './sim.ts'

// Writes the README's screenshots (`npm run docs`; not a test): agent view (wide with the history column, and a
// 390 px side panel), supervisor grid and wall, light and dark.
const SHOTS = 'docs/screenshots'

test.beforeEach(async ({ request }) => {
  test.slow()
  await simControl(request).reset()
})

async function shoot(page: Page, name: string) {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' })
    await expect(page.locator('html')).toHaveClass(scheme === 'dark' ? /\bdark\b/ : /^(?!.*\bdark\b)/)
    await page.screenshot({ path: `${SHOTS}/${name}-${scheme}.png` })
  }
}

test('agent view screenshots', async ({ page, request }) => {
  const sim = simControl(request)
  await page.setViewportSize({ width: 1280, height: 720 })
  await page.clock.install()
  // 410 is mine: its calls fill the history column.
  await seedSettings(page, { myExtensions: ['410'], screenPopUrl: 'https://crm.example/find?n={callerId}' })
  await page.goto('/?exten=400,410,420,430')
  await expect(page.getByRole('status')).toHaveText('Live')
  const earlier = await sim.ring('410', { callerId: '+61390001234' })
  await sim.connect(earlier, '410')
  await page.clock.fastForward('03:10')
  await sim.status(earlier, 'Hungup')
  await sim.status(await sim.ring('410', { callerId: '0298001122' }), 'Hungup')
  await expect(page.getByRole('list', { name: 'Recent calls' }).getByRole('listitem')).toHaveCount(2)
  const talking = await sim.ring('400', { callerId: '0298765432' })
  await sim.connect(talking, '400')
  await expect(page.getByRole('region', { name: 'Extension 400' })).toContainText('Connected')
  await page.clock.fastForward('02:05')
  await sim.ring('410', { callerId: '0411222333' })
  await sim.ring('420', { callerId: '0733334444', queue: true })
  await page.clock.fastForward('00:12')
  await expect(page.getByRole('region', { name: 'Extension 420' })).toContainText('0733334444')
  await expect(page.getByRole('region', { name: 'Extension 400' })).toContainText('Connected')
  // The two-minute jump may leave a resync notice (no reply for that long): not the subject here.
  const dismiss = page.getByRole('button', { name: 'Dismiss' })
  if (await dismiss.isVisible()) await dismiss.click()
  await expect(dismiss).toHaveCount(0)
  await shoot(page, 'agent')
  await page.setViewportSize({ width: 390, height: 844 })
  await shoot(page, 'agent-390')
})

test('supervisor grid screenshots', async ({ page, request }) => {
  const sim = simControl(request)
  await page.setViewportSize({ width: 1280, height: 800 })
  await page.clock.install()
  const exts = Array.from({ length: 60 }, (_, i) => String(400 + i))
  await page.goto(`/?exten=${exts.join(',')}&view=grid`)
  await expect(page.getByRole('status')).toHaveText('Live')
  // Two calls wait past the 30 s threshold and turn the escalation colour.
  await sim.ring('407', { callerId: '0298001122', queue: true })
  await sim.ring('431', { callerId: '0411998877' })
  // Both must be on screen before the clock jumps, or the wait starts after it.
  for (const ext of ['407', '431'])
    await expect(page.getByRole('listitem', { name: new RegExp(`^Extension ${ext}: Ringing`) })).toBeVisible()
  await page.clock.fastForward('00:34')
  for (const [ext, caller] of [
    ['402', '0733334444'],
    ['415', '0390001234'],
    ['426', '0861234567'],
    ['443', '0755512345'],
    ['452', '0412345678'],
  ])
    await sim.ring(ext, { callerId: caller })
  for (const [ext, caller] of [
    ['400', '0298765432'],
    ['411', '0387654321'],
    ['419', '0744443333'],
    ['433', '0298761111'],
    ['448', '0422223333'],
    ['457', '0399998888'],
  ]) {
    const id = await sim.ring(ext, { callerId: caller })
    await sim.connect(id, ext)
  }
  const done = await sim.ring('438', { callerId: '0265551234' })
  await sim.status(done, 'Hungup')
  await page.clock.fastForward('00:07')
  await expect(page.getByRole('list', { name: 'Extension counts' })).toContainText('7 ringing')
  await expect(page.getByRole('list', { name: 'Extension counts' })).toContainText('6 connected')
  await expect(page.getByRole('listitem', { name: /^Extension 431: .*waiting too long/ })).toBeVisible()
  await shoot(page, 'grid')
})

test('wall screenshots', async ({ page, request }) => {
  const sim = simControl(request)
  await page.setViewportSize({ width: 1920, height: 1080 })
  await page.clock.install()
  const exts = Array.from({ length: 60 }, (_, i) => String(400 + i))
  await page.goto(`/?exten=${exts.join(',')}&view=wall`)
  await expect(page.getByRole('status')).toHaveText('Live')
  await sim.ring('407', { callerId: '0298001122', queue: true })
  await expect(page.getByRole('button', { name: /^Extension 407: Ringing/ })).toBeVisible()
  await page.clock.fastForward('00:34')
  for (const [ext, caller] of [
    ['402', '0733334444'],
    ['415', '+61390001234'],
  ])
    await sim.ring(ext, { callerId: caller })
  for (const [ext, caller] of [
    ['400', '0298765432'],
    ['411', '0387654321'],
    ['433', 'Anonymous'],
    ['448', '0422223333'],
  ])
    await sim.connect(await sim.ring(ext, { callerId: caller }), ext)
  await page.clock.fastForward('00:07')
  await expect(page.getByRole('button', { name: '1 overdue' })).toBeVisible()
  await shoot(page, 'wall')
})
