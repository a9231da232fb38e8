// @vitest-environment node
// The log's fan-out: one body per cursor and watched-extensions-that-moved, never one browser's events in
// another's reply.
import { expect, it } from 'vitest'
import { EventLog } from './event-log.ts'
import { callsIn } from './testing/helpers.ts'

const ev = (id: string) => ({
  CallData: { uniqueCallId: id, status: 'Ringing', callerId: id, inbound: true, canAnswer: true },
})

it('held polls with different lists, woken by one entry: each gets exactly its own extensions', async () => {
  const log = new EventLog(100)
  log.apply({ kind: 'new-log', base: 1000, state: [], list: ['400', '410', '420', '430'] })
  const signal = new AbortController().signal
  const poll = (exts: string[]) => log.poll({ exts, cursor: 1000, timeoutSec: 25, signal }, { forCursorMs: 0 })
  // An event for 430 only: no one below watches it, no one is woken, and it stays in their range.
  log.apply({ kind: 'events', first: 1001, events: [{ ext: '430', ev: ev('c0') }] })
  const [ab, ac, ba, c] = [poll(['400', '410']), poll(['400', '420']), poll(['410', '400']), poll(['420'])]
  expect(log.heldPolls).toBe(4)
  log.apply({
    kind: 'events',
    first: 1002,
    events: [
      { ext: '410', ev: ev('c1') },
      { ext: '400', ev: ev('c2') },
    ],
  })
  expect(callsIn(await ab)).toEqual({ '410': { c1: 'Ringing' }, '400': { c2: 'Ringing' } })
  expect(callsIn(await ba)).toEqual({ '410': { c1: 'Ringing' }, '400': { c2: 'Ringing' } })
  expect(callsIn(await ac)).toEqual({ '400': { c2: 'Ringing' } })
  // Not woken: nothing for 420.
  expect(log.heldPolls).toBe(1)
  log.close()
  expect(callsIn(await c)).toEqual({})
})

it('the ring edge: a held poll whose cursor falls out of the ring while it waits gets seq 0, never events twice', async () => {
  const log = new EventLog(4)
  log.apply({ kind: 'new-log', base: 1000, state: [], list: ['400', '410'] })
  const signal = new AbortController().signal
  const held = log.poll({ exts: ['400', '410'], cursor: 1000, timeoutSec: 25, signal }, { forCursorMs: 0 })
  // Six events in one entry: the ring of four keeps 1003–1006, so cursor 1000 is outside it.
  log.apply({
    kind: 'events',
    first: 1001,
    events: ['a', 'b', 'c', 'd', 'e', 'f'].map((id, i) => ({ ext: i < 5 ? '410' : '400', ev: ev(id) })),
  })
  const fresh = await log.poll({ exts: ['400', '410'], cursor: 1000, timeoutSec: 25, signal }, { forCursorMs: 0 })
  expect(JSON.parse(fresh.body as string)).toEqual({ Data: {}, seq: 0, Code: 0 })
  expect(JSON.parse((await held).body as string), 'as poll() answers it').toEqual({ Data: {}, seq: 0, Code: 0 })
})
