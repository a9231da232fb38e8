import { expect, test, type Page } from './fixtures.ts'
import { seriousViolations } from './axe.ts'
import { simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  // axe over the whole page is slow on a busy machine.
  test.slow()
  await simControl(request).reset()
})

async function ringSome(page: Page, sim: ReturnType<typeof simControl>) {
  const a = await sim.ring('400', { callerId: '0298765432' })
  await sim.ring('410', { callerId: '0411222333', queue: true })
  const c = await sim.ring('420', { callerId: '0733334444' })
  await sim.connect(a, '400')
  await sim.status(c, 'Hungup')
  await expect(page.getByText('0411222333').first()).toBeVisible()
}

for (const scheme of ['light', 'dark'] as const) {
  test(`no serious or critical axe violations, agent and grid views, ${scheme} theme`, async ({ page, request }) => {
    const sim = simControl(request)
    // No animation should decide contrast: checked as a reduced-motion user sees it.
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' })
    await page.goto('/?exten=400,410,420,430')
    await expect(page.getByRole('status')).toHaveText('Live')
    await expect(page.locator('html')).toHaveClass(scheme === 'dark' ? /\bdark\b/ : /^(?!.*\bdark\b)/)
    await ringSome(page, sim)
    await page.getByRole('button', { name: 'Settings' }).click()
    await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])
    // Settings is a modal drawer: closed before the page behind it is used again.
    await page.keyboard.press('Escape')

    await page.getByRole('button', { name: 'Grid view' }).click()
    await expect(page.getByRole('listitem', { name: 'Extension 410: Ringing, 0411222333' })).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])
  })
}

test('a call that starts ringing is announced once in a polite live region', async ({ page, request }) => {
  const sim = simControl(request)
  await page.goto('/?exten=400,410')
  await expect(page.getByRole('status')).toHaveText('Live')
  const log = page.getByRole('log', { name: 'Call announcements' })
  await expect(log).toHaveAttribute('aria-live', 'polite')
  await expect(log).toBeEmpty()
  const id = await sim.ring('410', { callerId: '0298765432' })
  await expect(log).toHaveText('Call ringing on extension 410 from 0298765432.')
  await sim.connect(id, '410')
  await expect(page.getByRole('region', { name: 'Extension 410' })).toContainText('Connected')
  await sim.ring('400', { callerId: '0411222333', queue: true })
  await expect(log.getByRole('paragraph')).toHaveText([
    'Call ringing on extension 410 from 0298765432.',
    'Queue call ringing on extension 400 from 0411222333.',
  ])
})
