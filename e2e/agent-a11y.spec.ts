import { expect, test } from './fixtures.ts'
import { seriousViolations } from './axe.ts'
import { seedSettings, simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  test.slow()
  await simControl(request).reset()
})

// Its history and missed count come from the server's records: a user acting alone on 593 (scripts/e2e-server.mjs).
test.describe(() => {
  test.use({ user: 'hist3' })
  const MINE = '593'

  for (const scheme of ['light', 'dark'] as const) {
    test(`agent tools have no serious axe violations: history, recording, shortcuts dialog (${scheme})`, async ({
      page,
      request,
    }) => {
      const sim = simControl(request)
      await page.emulateMedia({ colorScheme: scheme, reducedMotion: 'reduce' })
      await seedSettings(page, { myExtensions: [MINE], extensions: ['400'], agentLoginName: 'jsmith' }, 'hist3')
      await page.goto('/')
      await expect(page.getByRole('status')).toHaveText('Live')
      // The history comes from the server's records (issue 24): a missed call and an answered one.
      await sim.status(await sim.ring(MINE, { callerId: '0200000001' }), 'Hungup')
      const answered = await sim.ring(MINE, { callerId: '0200000002' })
      await sim.connect(answered, MINE)
      await sim.status(answered, 'Hungup')
      await expect(page.getByRole('region', { name: 'Call history' }).getByRole('listitem')).toHaveCount(2)
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
  }
})
