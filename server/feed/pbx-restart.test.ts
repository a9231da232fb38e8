// @vitest-environment node
// A PBX restart, in each way a PBX may do it (sim/pbx-simulator.ts restart()), reaches every browser: the calls
// rung after it shown, the calls it dropped ended, nothing twice — whether a poll was held at the PBX or not.
import { afterEach, expect, it } from 'vitest'
import { PbxSimulator, type RestartOptions } from '../../sim/pbx-simulator.ts'
import type { CallPbx } from '../types.ts'
import { createFeedHub, type FeedHubInternals } from './feed-hub.ts'
import { quietLogger, TestBrowser } from './testing/helpers.ts'
import { simCallPbx } from './testing/sim-pbx.ts'

const EXTS = ['400', '410', '420']
let hub: FeedHubInternals | null = null
let browsers: TestBrowser[] = []

afterEach(async () => {
  for (const b of browsers) b.stop()
  browsers = []
  await hub?.close()
  hub = null
})

function setup() {
  const sim = new PbxSimulator({ answerDelayMs: 10 })
  const inner = simCallPbx(sim)
  /** Restart the PBX the moment a subscribe's reply has left it: no request in flight (a restart between two polls). */
  let restartAfterReply: RestartOptions | null = null
  const callPbx: CallPbx = Object.assign(async (...args: Parameters<CallPbx>) => {
    const r = await inner(...args)
    if (restartAfterReply && args[0] === 'subscribe') {
      const o = restartAfterReply
      restartAfterReply = null
      sim.restart(o)
    }
    return r
  }, inner)
  hub = createFeedHub({ callPbx, extensions: EXTS, logger: quietLogger() })
  const h = hub
  const b = new TestBrowser((r) => h.poll(r), EXTS)
  browsers.push(b)
  return { sim, hub: h, b, restartBetweenPolls: (o: RestartOptions) => (restartAfterReply = o) }
}

/** What every restart test checks afterwards: 8 calls (4 answered, each once the feed saw it ring, as Answer needs). */
async function eightCalls(sim: PbxSimulator, hub: FeedHubInternals, b: TestBrowser) {
  const ids: string[] = []
  for (let i = 0; i < 8; i++) {
    const ext = EXTS[i % 3]
    const id = sim.ring({ ext, callerId: `after-${i}` })
    ids.push(id)
    if (i % 2 === 0) {
      // The answer route's check: the call seen ringing on that extension.
      await expect.poll(() => hub.call(id)?.legs.get(ext), { timeout: 10_000 }).toBe('Ringing')
      sim.connect(id, ext)
    }
  }
  await expect.poll(() => b.calls, { timeout: 10_000 }).toEqual(sim.truth(EXTS))
  return ids
}

for (const variant of [{}, { echoCursor: true }, { holdStale: true }] satisfies RestartOptions[])
  for (const when of ['between two polls', 'while a poll is held'] as const)
    it(`a PBX restart ${when} (${JSON.stringify(variant)}): every call after it shown, the one it dropped ended`, async () => {
      const { sim, hub, b, restartBetweenPolls } = setup()
      await expect.poll(() => hub.ready()).toBe(true)
      b.run()
      // Traffic before, so the PBX's old cursor is well above where its new seq starts.
      for (let i = 0; i < 5; i++) sim.setStatus(sim.ring({ ext: '420', callerId: `old-${i}` }), 'Hungup')
      if (when === 'between two polls') restartBetweenPolls(variant)
      const before = sim.ring({ ext: '410', callerId: 'before' })
      await expect.poll(() => b.calls['410']?.[before]).toBe('Ringing')
      if (when === 'while a poll is held') {
        await expect.poll(() => sim.heldPolls).toBe(1)
        sim.restart(variant)
      }
      await eightCalls(sim, hub, b)
      expect(b.calls['410'][before], 'the call the restart dropped is not left ringing').toBeUndefined()
    }, 30_000)
