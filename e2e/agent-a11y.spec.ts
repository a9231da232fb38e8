import { expect, test } from './fixtures.ts'
import { seriousViolations } from './axe.ts'
import { seedSettings, simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  test.slow()
  await simControl(request).reset()
})

// Its history comes from the server's records: each scheme signs in as a user acting alone on an extension of
// its own (scripts/e2e-server.mjs), so neither sees the other's calls.
for (const [scheme, user, MINE] of [
  ['light', 'hist3', '593'],
  ['dark', 'hist4', '594'],
] as const) {
  test.describe(() => {
    test.use({ user })
    test(`agent tools have no serious axe violations: history, recording, shortcuts dialog (${scheme})`, async ({
      page,
      request,
    }) => {
      const sim = simControl(request)
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' })
      await seedSettings(page, { myExtensions: [MINE], extensions: ['400'], agentLoginName: 'jsmith' }, user)
      await page.goto('/')
      await expect(page.getByRole('status')).toHaveText('Live')
      // The history comes from the server's records (issue 24): a missed call and an answered one.
      // Callers of this run only: the server keeps every earlier run's records (--repeat-each).
      const tag = String(Date.now()).slice(-6)
      await sim.status(await sim.ring(MINE, { callerId: `02${tag}01` }), 'Hungup')
      const answered = await sim.ring(MINE, { callerId: `02${tag}02` })
      await sim.connect(answered, MINE)
      await sim.status(answered, 'Hungup')
      const rows = page.getByRole('region', { name: 'Call history' }).getByRole('listitem')
      await expect(rows.filter({ hasText: `02${tag}01` })).toContainText('Missed')
      await expect(rows.filter({ hasText: `02${tag}02` })).toContainText('Answered')
      await sim.ring(MINE, { callerId: '0298765432' })
      const card = page.getByRole('region', { name: `Extension ${MINE}` }).getByRole('article')
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
  })
}
