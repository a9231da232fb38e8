import { expect, test } from './fixtures.ts'
import { seriousViolations } from './axe.ts'
import { seedSettings, simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  test.slow()
  await simControl(request).reset()
})

const entry = (id: string, kind: string, endedAt: number) => ({
  key: `410|${id}`,
  ext: '410',
  id,
  number: `02${id.padStart(8, '0')}`,
  kind,
  startedAt: endedAt - 60_000,
  connectedAt: kind === 'missed' ? undefined : endedAt - 30_000,
  endedAt,
})

for (const scheme of ['light', 'dark'] as const) {
  test(`agent tools have no serious axe violations: history, recording, shortcuts dialog (${scheme})`, async ({
    page,
    request,
  }) => {
    const sim = simControl(request)
    await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' })
    const now = Date.now()
    await seedSettings(page, { myExtensions: ['410'], extensions: ['400'], agentLoginName: 'jsmith' })
    await page.addInitScript(
      ({ entries }) => {
        // The local developer's key and the signed-in `e2e` user's (src/app/user-storage.ts).
        for (const key of ['switchboard.history', 'switchboard.history:e2e'])
          localStorage.setItem(key, JSON.stringify({ state: { entries, missedSeenAt: 0 }, version: 1 }))
      },
      {
        entries: [
          entry('1', 'missed', now - 1000),
          entry('2', 'answered', now - 5000),
          entry('3', 'outbound', now - 9000),
        ],
      },
    )
    await page.goto('/')
    await expect(page.getByRole('status')).toHaveText('Live')
    await expect(page.getByRole('region', { name: 'Call history' }).getByRole('listitem')).toHaveCount(3)
    await sim.ring('410', { callerId: '0298765432' })
    const card = page.getByRole('region', { name: 'Extension 410' }).getByRole('article')
    await card.getByRole('button', { name: 'Answer' }).click()
    await card.getByRole('button', { name: 'Record' }).click()
    await expect(card.getByText('Recording', { exact: true })).toBeVisible()
    await page.getByRole('textbox', { name: 'Number to dial' }).fill('junk')
    await page.getByRole('button', { name: 'Dial', exact: true }).click()
    await expect(page.getByRole('alert')).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])

    await page.getByRole('button', { name: 'Keyboard shortcuts' }).click()
    await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible()
    expect(await seriousViolations(page)).toEqual([])
  })
}
