import { describe, expect, it } from 'vitest'
import { eventSchema, parseEvent, plainEvent } from './pbx-schemas.ts'

/** A small seeded generator, so a failure names an input that can be replayed. */
function random(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0
    return seed / 2 ** 32
  }
}

const POOL = [undefined, 'x', '', '0298', 42, 0, true, false, 'true', 'false', null, {}, [], '__proto__']
const FIELDS = [
  'uniqueCallId',
  'status',
  'callerId',
  'canAnswer',
  'inbound',
  'isQueueCall',
  'isClickToDialCall',
  'callStartTime',
  'otherPartyCallerId',
  'connectedCallerIdNum',
  'outboundDestination',
  'extra',
]

describe('plainEvent, the fast reading of an event', () => {
  it('reads the usual event without the schema, as the schema would', () => {
    const raw = {
      CallData: {
        uniqueCallId: 'c1',
        status: 'Ringing',
        callerId: '0298',
        canAnswer: true,
        inbound: true,
        isQueueCall: false,
        isClickToDialCall: false,
        extra: 1,
      },
      CallID: 7,
      Code: 0,
    }
    const plain = plainEvent(raw)
    expect(plain).not.toBeNull()
    expect(plain).toEqual(eventSchema.parse(raw))
    expect(plain?.CallData).not.toHaveProperty('extra')
  })

  it('leaves loose input to the schema: numeric ids, "true" strings, nulls', () => {
    expect(plainEvent({ CallData: { uniqueCallId: 12, status: 'Ringing' } })).toBeNull()
    expect(plainEvent({ CallData: { uniqueCallId: 'a', status: 'Ringing', inbound: 'true' } })).toBeNull()
    expect(plainEvent({ CallData: { uniqueCallId: 'a', status: 'Ringing', callerId: null } })).toBeNull()
    expect(parseEvent({ CallData: { uniqueCallId: 12, status: 'Ringing', inbound: 'true' } })).toEqual({
      success: true,
      data: { CallData: { uniqueCallId: '12', status: 'Ringing', inbound: true } },
    })
  })

  // A shared CI machine can take seconds for this: the default 5 s would fail it at random.
  it('never disagrees with eventSchema over 5,000 generated events', { timeout: 60_000 }, () => {
    const next = random(20261127)
    const pick = () => POOL[Math.floor(next() * POOL.length)]
    let plainHits = 0
    for (let i = 0; i < 5000; i++) {
      const data: Record<string, unknown> = {}
      for (const f of FIELDS) {
        // Usually well formed, so the fast path is exercised; else anything from the pool.
        const good = f.startsWith('is') || f === 'canAnswer' || f === 'inbound' ? next() < 0.5 : `v${i}`
        const v = next() < 0.93 ? (next() < 0.3 && f !== 'uniqueCallId' && f !== 'status' ? undefined : good) : pick()
        if (v !== undefined) data[f] = v
      }
      const raw: Record<string, unknown> = { CallData: next() < 0.95 ? data : pick() }
      if (next() < 0.5) raw.CallID = next() < 0.8 ? i : pick()
      if (next() < 0.5) raw.Code = next() < 0.8 ? 0 : pick()
      const plain = plainEvent(raw)
      const schema = eventSchema.safeParse(raw)
      if (plain) {
        plainHits++
        expect(schema.success, JSON.stringify(raw)).toBe(true)
        expect(plain, JSON.stringify(raw)).toEqual(schema.data)
      }
      expect(parseEvent(raw).success, JSON.stringify(raw)).toBe(schema.success)
    }
    expect(plainHits).toBeGreaterThan(100)
  })
})
