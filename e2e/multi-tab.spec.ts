import { expect, test } from './fixtures.ts'
import { logBrowserPolls } from './browser-polls.ts'
import { simControl } from './sim.ts'

test.beforeEach(async ({ request }) => {
  await simControl(request).reset()
})

test('several tabs share one subscribe for the union of their extensions; a new leader takes over', async ({
  context,
  request,
}) => {
  const sim = simControl(request)
  const polls = logBrowserPolls(context)
  const a = await context.newPage()
  await a.goto('/?exten=400,410')
  await expect(a.getByRole('status')).toHaveText('Live')
  const b = await context.newPage()
  await b.goto('/?exten=410,420')
  await expect(b.getByRole('status')).toHaveText('Live')

  // One poll held by the browser — the leader tab's — for 400, 410 and 420 together; the follower polls nothing.
  await expect
    .poll(() => polls.held().map((p) => ({ leader: p.page === a, exten: [...p.exten].sort() })))
    .toEqual([{ leader: true, exten: ['400', '410', '420'] }])
  // And one poll held at the PBX: the server's.
  await expect.poll(async () => (await sim.state(['400'])).heldPolls).toBe(1)

  const id = await sim.ring('420', { callerId: '0755501234' })
  await expect(b.getByRole('region', { name: 'Extension 420' }).getByRole('article')).toContainText('0755501234')
  const shared = await sim.ring('410', { callerId: '0299990000' })
  await expect(a.getByRole('region', { name: 'Extension 410' }).getByRole('article')).toContainText('Ringing')
  await expect(b.getByRole('region', { name: 'Extension 410' }).getByRole('article')).toContainText('Ringing')

  // The leader (the first tab) closes mid-call; the other takes over and misses nothing.
  await a.close()
  await sim.connect(shared, '410')
  await sim.status(id, 'Hungup')
  const card410 = b.getByRole('region', { name: 'Extension 410' }).getByRole('article')
  await expect(card410).toContainText('Connected')
  await expect(card410).toHaveCount(1)
  await expect(b.getByRole('region', { name: 'Extension 420' }).getByRole('article')).toContainText('Hung up')
  // The new leader holds the one browser poll, for its own extensions; the server still holds one at the PBX.
  await expect
    .poll(() => polls.held().map((p) => ({ leader: p.page === b, exten: [...p.exten].sort() })))
    .toEqual([{ leader: true, exten: ['410', '420'] }])
  await expect.poll(async () => (await sim.state(['400'])).heldPolls).toBe(1)
  await expect(b.getByRole('status')).toHaveText('Live')
})
