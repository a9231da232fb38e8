import { describe, expect, it } from 'vitest'
import type { Call } from '../calls/call-model.ts'
import { aCall } from '../../testing/calls.ts'
import { isEscalated, waitingMs } from '../calls/escalation.ts'
import { matchesFilter } from '../calls/extension-filter.ts'
import { countStates, summarize, tileLabel } from './grid-model.ts'

const T0 = 1_000_000

const call = (p: Partial<Call> & { id: string }): Call => aCall(p, T0)

describe('summarize', () => {
  it('is idle without calls', () => {
    expect(summarize(undefined)).toEqual({ state: 'idle', call: undefined, active: 0 })
    expect(summarize([])).toEqual({ state: 'idle', call: undefined, active: 0 })
  })

  it('shows the most urgent call: ringing beats connected beats ended', () => {
    const connected = call({ id: 'a', status: 'Connected' })
    const ringing = call({ id: 'b', callerId: '0411' })
    const ended = call({ id: 'c', status: 'Hungup', endedAt: T0 })
    expect(summarize([ended, connected, ringing])).toMatchObject({ state: 'ringing', call: ringing, active: 2 })
    expect(summarize([ended, connected])).toMatchObject({ state: 'connected', call: connected, active: 1 })
    expect(summarize([ended])).toMatchObject({ state: 'ended', call: ended, active: 0 })
  })

  it('keeps the oldest of two ringing calls and treats other statuses as busy', () => {
    const first = call({ id: 'a' })
    expect(summarize([first, call({ id: 'b' })]).call).toBe(first)
    expect(summarize([call({ id: 'd', status: 'Dialing Out' })]).state).toBe('busy')
    expect(summarize([call({ id: 'e', status: 'Parked somewhere' })]).state).toBe('busy')
  })
})

describe('escalation', () => {
  it('escalates a ringing call once it has rung for the threshold, not before', () => {
    const c = call({ id: 'a', statusSince: T0 })
    expect(isEscalated(c, T0 + 29_999, 30)).toBe(false)
    expect(isEscalated(c, T0 + 30_000, 30)).toBe(true)
  })

  it('counts a queue call from when it was first seen', () => {
    const c = call({ id: 'a', isQueueCall: true, firstSeenAt: T0, statusSince: T0 + 20_000 })
    expect(waitingMs(c, T0 + 31_000)).toBe(31_000)
    expect(isEscalated(c, T0 + 31_000, 30)).toBe(true)
  })

  it('never escalates connected, ended or absent calls, nor with the threshold off', () => {
    expect(isEscalated(call({ id: 'a', status: 'Connected' }), T0 + 99_000, 30)).toBe(false)
    expect(isEscalated(call({ id: 'a', status: 'Ringing', endedAt: T0 + 1 }), T0 + 99_000, 30)).toBe(false)
    expect(isEscalated(undefined, T0 + 99_000, 30)).toBe(false)
    expect(isEscalated(call({ id: 'a' }), T0 + 99_000, 0)).toBe(false)
  })
})

describe('matchesFilter', () => {
  const calls = [call({ id: 'a', callerId: '0298765432' })]

  it('matches everything with an empty query', () => {
    expect(matchesFilter('400', undefined, '  ')).toBe(true)
  })

  it('matches by extension, with or without a technology prefix', () => {
    expect(matchesFilter('1410', undefined, '141')).toBe(true)
    expect(matchesFilter('SIP/410', undefined, 'sip/4')).toBe(true)
    expect(matchesFilter('400', undefined, '410')).toBe(false)
  })

  it("matches by a live caller's number, not an ended one's", () => {
    expect(matchesFilter('400', calls, '98765')).toBe(true)
    expect(matchesFilter('400', [call({ id: 'a', callerId: '0298765432', endedAt: T0 })], '98765')).toBe(false)
  })
})

describe('countStates', () => {
  it('counts extensions per state; ended and absent both count as idle', () => {
    const byExt = {
      '400': [call({ id: 'a' })],
      '410': [call({ id: 'b', status: 'Connected' }), call({ id: 'c' })],
      '420': [call({ id: 'd', status: 'Connected' })],
      '430': [call({ id: 'e', status: 'Hungup', endedAt: T0 })],
      '440': [call({ id: 'f', status: 'Dialing Out' })],
    }
    const exts = ['400', '410', 'SIP/420', '430', '440', '450']
    expect(countStates(exts, byExt, (e) => e.replace(/^[A-Za-z]+\//, ''))).toEqual({
      ringing: 2,
      connected: 1,
      busy: 1,
      idle: 2,
    })
  })
})

describe('tileLabel', () => {
  it('reads as "Extension 410: Ringing, 0298765432"', () => {
    const s = summarize([call({ id: 'a' })])
    expect(tileLabel('410', s, false)).toBe('Extension 410: Ringing, 0298765432')
    expect(tileLabel('410', s, true)).toBe('Extension 410: Ringing, 0298765432, waiting too long')
    expect(tileLabel('410', summarize([]), false)).toBe('Extension 410: Idle')
    expect(
      tileLabel('410', summarize([call({ id: 'a', callerId: '' }), call({ id: 'b', status: 'Connected' })]), false),
    ).toBe('Extension 410: Ringing, unknown caller, 2 calls')
  })
})
