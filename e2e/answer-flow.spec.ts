import { expect, test } from './fixtures.ts'
import { simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

test('a call rings on 410, is answered, hung up and ends', async ({ page, request }) => {
  const sim = simControl(request)
  await page.goto('/?exten=400,410')
  await expect(page.getByRole('status')).toHaveText('Live')
  const ext410 = page.getByRole('region', { name: 'Extension 410' })
  await expect(ext410).toContainText('Idle')

  const id = await sim.ring('410', { callerId: '0298765432' })
  const card = ext410.getByRole('article')
  await expect(card).toContainText('0298765432')
  await expect(card).toContainText('Ringing')

  await card.getByRole('button', { name: 'Answer' }).click()
  await expect(card).toContainText('Connected')
  await expect(card.getByRole('button', { name: /Answer/ })).toHaveCount(0)

  await sim.status(id, 'Hungup')
  await expect(card).toContainText('Hung up')
  await expect(ext410.getByRole('article')).toHaveCount(0, { timeout: 15_000 })
  await expect(ext410).toContainText('Idle')
})
