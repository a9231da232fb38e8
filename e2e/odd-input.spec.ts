import { expect, test } from './fixtures.ts'
import { simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

// Each fault in the server's own words (server/pbx/pbx-client.ts, server/feed/upstream.ts via pbx-reply.ts downOf).
const faults = [
  {
    name: 'an HTML page',
    fault: { kind: 'html' },
    says: 'The PBX sent an HTML page instead of JSON (a wrong NOOJEE_URL or a refused key can look like this)',
  },
  { name: 'truncated JSON', fault: { kind: 'truncated' }, says: 'The PBX sent a reply that is not valid JSON' },
  {
    name: 'a reply of the wrong shape',
    fault: { kind: 'wrongShape' },
    says: 'The PBX sent a reply that is not a subscribe reply (no seq or Data)',
  },
  { name: 'an HTML 502', fault: { kind: 'http', status: 502 }, says: 'The PBX answered HTTP 502' },
]

test('odd PBX replies never crash the panel: the status says what went wrong, then it is Live again with cards intact', async ({
  page,
  request,
}) => {
  const sim = simControl(request)
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto('/?exten=400,410')
  const status = page.getByRole('status')
  await expect(status).toHaveText('Live')
  const held = await sim.ring('400', { callerId: '0211110000' })
  await sim.connect(held, '400')
  const card400 = page.getByRole('region', { name: 'Extension 400' }).getByRole('article')
  await expect(card400).toContainText('Connected')

  for (const [i, { fault, says }] of faults.entries()) {
    await test.step(faults[i].name, async () => {
      // Twice: the server's poll meets the first; the panel's next poll brings the server's second try forward and
      // meets the second, so the panel surely sees it (one alone may be over before the panel asks again).
      await sim.fault(fault, fault)
      const callerId = `02999900${String(i).padStart(2, '0')}`
      await sim.ring('410', { callerId })
      await expect(status).toContainText(says)
      await expect(status).toHaveText('Live', { timeout: 15_000 })
      await expect(
        page.getByRole('region', { name: 'Extension 410' }).getByRole('article', { name: new RegExp(callerId) }),
      ).toBeVisible()
      await expect(card400).toContainText('Connected')
      await expect(card400).toContainText('0211110000')
    })
  }
  await expect(page.getByRole('heading', { name: 'Switchboard' })).toBeVisible()
  expect(errors).toEqual([])
})
