import { expect, test } from './fixtures.ts'
import { simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
  await simControl(request).primeSeq()
})

test('an answer the PBX refuses shows its message on the card and the button works again', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  await page.goto('/?exten=410')
  await expect(page.getByRole('status')).toHaveText('Live')

  // A Ringing event for a call the PBX does not hold: its answer gets a negative Code.
  await sim.raw('410', {
    uniqueCallId: 'ghost.1',
    status: 'Ringing',
    callerId: '0291112222',
    canAnswer: true,
    inbound: true,
  })
  const card = page.getByRole('region', { name: 'Extension 410' }).getByRole('article')
  await expect(card).toContainText('Ringing')

  const answer = card.getByRole('button', { name: 'Answer' })
  await answer.click()
  // The card says what it means to the agent; the PBX's own words and Code are in Diagnostics.
  await expect(card.getByRole('alert')).toHaveText('This call has already ended')
  await expect(answer).toBeEnabled()
  await page.getByRole('button', { name: 'Diagnostics' }).click()
  const failed = page
    .getByRole('dialog', { name: 'Diagnostics' })
    .getByRole('row')
    .filter({ hasText: 'answer ghost.1 on 410 failed' })
  await expect(failed).toContainText('Call ghost.1 not found on extension 410')
  await expect(failed).toContainText('Code -1')
  // A modal drawer: closed before the calls take a click again.
  await page.keyboard.press('Escape')

  // Sent once per click, never retried on its own.
  const answers = async () => (await sim.requests()).filter((r) => r.method === 'answer').length
  expect(await answers()).toBe(1)
  await answer.click()
  await expect.poll(answers).toBe(2)
  await expect(answer).toBeEnabled()
})
