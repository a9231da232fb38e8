// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type { FeedEvent } from '../pbx/pbx-client.ts'
import type { CallData } from '../pbx/pbx-schemas.ts'
import {
  applyEvents,
  applySnapshot,
  emptyModel,
  expireEnded,
  extKey,
  MAX_TOMBSTONES,
  pbxStartTime,
  type CallModel,
} from './call-model.ts'

const T0 = 1_700_000_000_000

const ev = (ext: string, uniqueCallId: string, status: string, extra: Partial<CallData> = {}): FeedEvent => ({
  ext,
  data: { uniqueCallId, status, ...extra },
})
/** An event the PBX numbered (CallID, a per-event counter). */
const numbered = (callId: number, ext: string, uniqueCallId: string, status: string): FeedEvent => ({
  ...ev(ext, uniqueCallId, status),
  callId,
})

const callsOn = (m: CallModel, ext: string) => m.byExt[ext] ?? []
const only = (m: CallModel, ext: string) => {
  expect(callsOn(m, ext)).toHaveLength(1)
  return callsOn(m, ext)[0]
}

describe('applyEvents: status transitions', () => {
  it('Ringing creates a call with its details', () => {
    const m = applyEvents(
      emptyModel,
      [ev('410', 'a', 'Ringing', { callerId: '0298765432', inbound: true, canAnswer: true, isQueueCall: true })],
      T0,
    )
    expect(only(m, '410')).toEqual({
      id: 'a',
      ext: '410',
      status: 'Ringing',
      callerId: '0298765432',
      inbound: true,
      canAnswer: true,
      isQueueCall: true,
      isClickToDialCall: false,
      firstSeenAt: T0,
      statusSince: T0,
      connectedAt: undefined,
      endedAt: undefined,
    })
  })

  it('Ringing then Connected: connected time set, answer no longer offered, details kept', () => {
    let m = applyEvents(emptyModel, [ev('410', 'a', 'Ringing', { callerId: '0411', canAnswer: true })], T0)
    m = applyEvents(m, [ev('410', 'a', 'Connected')], T0 + 5000)
    expect(only(m, '410')).toMatchObject({
      status: 'Connected',
      callerId: '0411',
      canAnswer: false,
      firstSeenAt: T0,
      statusSince: T0 + 5000,
      connectedAt: T0 + 5000,
      endedAt: undefined,
    })
  })

  it.each(['Hungup', 'Busy', 'No Answer'])('%s ends the call and tombstones it', (status) => {
    let m = applyEvents(emptyModel, [ev('410', 'a', 'Ringing')], T0)
    m = applyEvents(m, [ev('410', 'a', status)], T0 + 1000)
    expect(only(m, '410')).toMatchObject({ status, endedAt: T0 + 1000 })
    expect(m.ended['410|a']).toEqual({ at: T0 + 1000 })
  })

  it('Connected then Hungup keeps the talk start for the duration', () => {
    let m = applyEvents(emptyModel, [ev('410', 'a', 'Ringing'), ev('410', 'a', 'Connected')], T0)
    m = applyEvents(m, [ev('410', 'a', 'Hungup')], T0 + 60_000)
    expect(only(m, '410')).toMatchObject({ connectedAt: T0, endedAt: T0 + 60_000 })
  })

  it('Unlinked is not an end: a transfer can bring the call back to Connected', () => {
    let m = applyEvents(emptyModel, [ev('410', 'a', 'Connected')], T0)
    m = applyEvents(m, [ev('410', 'a', 'Unlinked')], T0 + 1000)
    expect(only(m, '410')).toMatchObject({ status: 'Unlinked', endedAt: undefined })
    m = applyEvents(m, [ev('410', 'a', 'Connected')], T0 + 2000)
    expect(only(m, '410')).toMatchObject({ status: 'Connected', connectedAt: T0, statusSince: T0 + 2000 })
  })

  it('Dialing Out is an outbound call in progress', () => {
    const m = applyEvents(emptyModel, [ev('400', 'd', 'Dialing Out', { inbound: false, isClickToDialCall: true })], T0)
    expect(only(m, '400')).toMatchObject({
      status: 'Dialing Out',
      inbound: false,
      isClickToDialCall: true,
      canAnswer: false,
    })
  })

  it('keeps an unknown status as the PBX sent it', () => {
    const m = applyEvents(emptyModel, [ev('410', 'a', 'Parked on 701')], T0)
    expect(only(m, '410')).toMatchObject({ status: 'Parked on 701', endedAt: undefined })
  })

  it('keeps statusSince when a repeated status only updates details', () => {
    let m = applyEvents(emptyModel, [ev('410', 'a', 'Ringing')], T0)
    m = applyEvents(m, [ev('410', 'a', 'Ringing', { callerId: 'Alice' })], T0 + 3000)
    expect(only(m, '410')).toMatchObject({ callerId: 'Alice', statusSince: T0 })
  })
})

describe('applyEvents: idempotence and identity', () => {
  it('returns the very same model for the same event twice', () => {
    const e = ev('410', 'a', 'Ringing', { callerId: '0411', canAnswer: true, inbound: true })
    const once = applyEvents(emptyModel, [e], T0)
    expect(applyEvents(once, [e], T0 + 500)).toBe(once)
    expect(applyEvents(once, [e, e, e], T0 + 900)).toBe(once)
  })

  it('returns the same model for an empty event list', () => {
    const m = applyEvents(emptyModel, [ev('410', 'a', 'Ringing')], T0)
    expect(applyEvents(m, [], T0 + 1)).toBe(m)
  })

  it('leaves untouched extensions and calls as the same objects', () => {
    const m = applyEvents(
      emptyModel,
      [ev('400', 'x', 'Connected'), ev('410', 'a', 'Ringing'), ev('410', 'b', 'Ringing')],
      T0,
    )
    const next = applyEvents(m, [ev('410', 'b', 'Connected')], T0 + 1)
    expect(next.byExt['400']).toBe(m.byExt['400'])
    expect(next.byExt['410'][0]).toBe(m.byExt['410'][0])
    expect(next.byExt['410'][1]).not.toBe(m.byExt['410'][1])
  })

  it('handles several extensions in one response, in order', () => {
    const m = applyEvents(
      emptyModel,
      [
        ev('400', 'a', 'Dialing Out', { inbound: false }),
        ev('410', 'a', 'Ringing', { inbound: true }),
        ev('420', 'q', 'Ringing'),
        ev('410', 'a', 'Connected'),
        ev('400', 'a', 'Connected'),
      ],
      T0,
    )
    expect(Object.keys(m.byExt).sort()).toEqual(['400', '410', '420'])
    expect(only(m, '400')).toMatchObject({ id: 'a', status: 'Connected', inbound: false })
    expect(only(m, '410')).toMatchObject({ id: 'a', status: 'Connected', inbound: true })
    expect(only(m, '420')).toMatchObject({ id: 'q', status: 'Ringing' })
  })

  it('treats SIP/410 and 410 as the same extension', () => {
    let m = applyEvents(emptyModel, [ev('SIP/410', 'a', 'Ringing')], T0)
    m = applyEvents(m, [ev('410', 'a', 'Connected'), ev('PJSIP/410', 'b', 'Ringing')], T0 + 1)
    expect(Object.keys(m.byExt)).toEqual(['410'])
    expect(callsOn(m, '410').map((c) => [c.id, c.status, c.ext])).toEqual([
      ['a', 'Connected', '410'],
      ['b', 'Ringing', '410'],
    ])
    expect(extKey('SIP/410')).toBe('410')
    expect(extKey('410')).toBe('410')
  })

  it('offers a call again when the PBX rings it again, in an event numbered after its end (a queue keeps its uniqueCallId)', () => {
    let m = applyEvents(emptyModel, [numbered(5, '410', 'a', 'Ringing'), numbered(6, '410', 'a', 'No Answer')], T0)
    const ended = m
    expect(m.ended['410|a']).toEqual({ at: T0, event: 6 })
    // Another end, the same events again, an older Ringing: nothing changes.
    expect(applyEvents(m, [numbered(7, '410', 'a', 'Hungup')], T0 + 500)).toBe(ended)
    expect(applyEvents(m, [numbered(5, '410', 'a', 'Ringing'), numbered(6, '410', 'a', 'No Answer')], T0 + 500)).toBe(
      ended,
    )
    m = applyEvents(m, [numbered(9, '410', 'a', 'Ringing')], T0 + 1000)
    // A fresh offer: one card, ringing since now, Answer offered again, no longer remembered as ended.
    expect(callsOn(m, '410')).toHaveLength(1)
    expect(only(m, '410')).toMatchObject({ status: 'Ringing', firstSeenAt: T0 + 1000, statusSince: T0 + 1000 })
    expect(only(m, '410').endedAt).toBeUndefined()
    expect(only(m, '410').canAnswer).not.toBe(false)
    expect(m.ended['410|a']).toBeUndefined()
    m = applyEvents(m, [numbered(10, '410', 'a', 'Connected')], T0 + 2000)
    expect(only(m, '410')).toMatchObject({ status: 'Connected', connectedAt: T0 + 2000 })
  })

  it('is idempotent: a reply applied twice leaves the model as applied once', () => {
    const reply = [
      numbered(1, '410', 'a', 'Ringing'),
      numbered(2, '410', 'a', 'Connected'),
      numbered(3, '410', 'a', 'Hungup'),
      numbered(4, '420', 'b', 'Ringing'),
    ]
    const once = applyEvents(emptyModel, reply, T0)
    expect(applyEvents(once, reply, T0 + 1000)).toBe(once)
  })

  it('keeps an ended call ended when nothing numbers the events, or the new status is not an offer', () => {
    let m = applyEvents(emptyModel, [ev('410', 'a', 'Ringing'), ev('410', 'a', 'Hungup')], T0)
    const ended = m
    expect(applyEvents(m, [ev('410', 'a', 'Ringing')], T0 + 1000)).toBe(ended)
    m = applyEvents(emptyModel, [numbered(1, '410', 'b', 'Connected'), numbered(2, '410', 'b', 'Hungup')], T0)
    expect(applyEvents(m, [numbered(3, '410', 'b', 'Unlinked')], T0 + 1000)).toBe(m)
  })

  it('follows one reply that ends a call, rings it again and ends another, in order', () => {
    let m = applyEvents(emptyModel, [numbered(1, '410', 'a', 'Ringing'), numbered(2, '410', 'a', 'No Answer')], T0)
    m = applyEvents(
      m,
      [
        numbered(3, '410', 'a', 'Ringing'),
        numbered(4, '420', 'b', 'Ringing'),
        numbered(5, '420', 'b', 'Busy'),
        numbered(6, '410', 'a', 'No Answer'),
        numbered(7, '410', 'a', 'Ringing'),
      ],
      T0 + 1000,
    )
    expect(only(m, '410')).toMatchObject({ status: 'Ringing' })
    expect(only(m, '410').endedAt).toBeUndefined()
    expect(m.ended).toEqual({ '420|b': { at: T0 + 1000, event: 5 } })
  })

  it('remembers, but does not show, a call first seen already ended', () => {
    const m = applyEvents(emptyModel, [ev('410', 'z', 'Busy')], T0)
    expect(callsOn(m, '410')).toEqual([])
    expect(m.ended['410|z']).toEqual({ at: T0 })
    expect(applyEvents(m, [ev('410', 'z', 'Busy')], T0 + 1)).toBe(m)
  })

  it('keeps calls with the same uniqueCallId on two extensions apart (both legs)', () => {
    let m = applyEvents(emptyModel, [ev('400', 'a', 'Dialing Out'), ev('410', 'a', 'Ringing')], T0)
    m = applyEvents(m, [ev('410', 'a', 'Hungup')], T0 + 1)
    expect(only(m, '400').endedAt).toBeUndefined()
    expect(only(m, '410').endedAt).toBe(T0 + 1)
  })
})

describe('applySnapshot', () => {
  const base = applyEvents(
    emptyModel,
    [
      ev('400', 'keep', 'Connected'),
      ev('410', 'gone', 'Ringing'),
      ev('410', 'was', 'Ringing'),
      ev('410', 'was', 'Hungup'),
    ],
    T0,
  )

  it('ends calls the snapshot no longer lists, marked vanished, and keeps the ones it lists', () => {
    const m = applySnapshot(base, [ev('400', 'keep', 'Connected')], T0 + 5000)
    expect(only(m, '400')).toBe(base.byExt['400'][0])
    const gone = callsOn(m, '410').find((c) => c.id === 'gone')
    expect(gone).toMatchObject({ status: 'Ringing', endedAt: T0 + 5000, vanished: true, canAnswer: false })
    expect(m.ended['410|gone']).toEqual({ at: T0 + 5000 })
  })

  it('lets an already ended call keep its linger (its endedAt does not move)', () => {
    const m = applySnapshot(base, [], T0 + 5000)
    expect(callsOn(m, '410').find((c) => c.id === 'was')).toMatchObject({ status: 'Hungup', endedAt: T0 })
  })

  it('adds calls the snapshot lists that the model did not know', () => {
    const m = applySnapshot(base, [ev('SIP/420', 'new', 'Ringing', { callerId: '0412' })], T0 + 5000)
    expect(only(m, '420')).toMatchObject({ id: 'new', status: 'Ringing', callerId: '0412', firstSeenAt: T0 + 5000 })
  })

  it('updates a listed call to the snapshot status', () => {
    const m = applySnapshot(base, [ev('410', 'gone', 'Connected'), ev('400', 'keep', 'Connected')], T0 + 5000)
    expect(callsOn(m, '410').find((c) => c.id === 'gone')).toMatchObject({
      status: 'Connected',
      connectedAt: T0 + 5000,
      endedAt: undefined,
    })
  })

  it('after a PBX restart lists a reused uniqueCallId as a live call again', () => {
    const m = applySnapshot(base, [ev('410', 'was', 'Ringing')], T0 + 5000)
    const call = callsOn(m, '410').find((c) => c.id === 'was')
    expect(call).toMatchObject({ status: 'Ringing', endedAt: undefined })
    expect(m.ended['410|was']).toBeUndefined()
  })

  it('on an empty model is the snapshot itself, oldest first', () => {
    const m = applySnapshot(emptyModel, [ev('410', 'a', 'Ringing'), ev('410', 'b', 'Connected')], T0)
    expect(callsOn(m, '410').map((c) => c.id)).toEqual(['a', 'b'])
  })
})

describe('callStartTime: a call already under way when the panel first hears of it', () => {
  /** T0 less `ms`, written as the PBX writes it (its local time, here the test's). */
  const pbxAgo = (ms: number) => {
    const d = new Date(T0 - ms)
    const p = (n: number) => String(n).padStart(2, '0')
    return `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`
  }

  it('reads the PBX format as local time, and believes only plausible values', () => {
    expect(pbxStartTime(pbxAgo(10 * 60_000), T0)).toBe(T0 - 10 * 60_000)
    // A little ahead (clock skew) is now; far ahead (another time zone) or half a day back is not believed.
    expect(pbxStartTime(pbxAgo(-30_000), T0)).toBe(T0)
    expect(pbxStartTime(pbxAgo(-2 * 3600_000), T0)).toBeUndefined()
    expect(pbxStartTime(pbxAgo(13 * 3600_000), T0)).toBeUndefined()
    for (const odd of [undefined, '', 'yesterday', '2014/13/45 99:99:99x', '17:25:18'])
      expect(pbxStartTime(odd, T0)).toBeUndefined()
    // A PBX clock set to a zone behind ours reads hours old; Asterisk's uniqueCallId (epoch seconds) gives it away.
    const epochId = (ms: number) => `${Math.floor((T0 - ms) / 1000)}.42`
    expect(pbxStartTime(pbxAgo(10 * 60_000), T0, epochId(10 * 60_000))).toBe(T0 - 10 * 60_000)
    expect(pbxStartTime(pbxAgo(3 * 3600_000 + 10 * 60_000), T0, epochId(10 * 60_000))).toBeUndefined()
  })

  it('a snapshot listing a call mid-way times it from the PBX start: talking for 10 minutes, not 0', () => {
    const start = pbxAgo(10 * 60_000)
    const m = applySnapshot(
      emptyModel,
      [
        ev('410', 'a', 'Connected', { callStartTime: start }),
        ev('400', 'b', 'Ringing', { callStartTime: start, isQueueCall: true }),
      ],
      T0,
    )
    expect(only(m, '410')).toMatchObject({
      firstSeenAt: T0 - 600_000,
      statusSince: T0 - 600_000,
      connectedAt: T0 - 600_000,
    })
    expect(only(m, '400')).toMatchObject({ firstSeenAt: T0 - 600_000, statusSince: T0 - 600_000 })
    // The same snapshot later changes nothing; a status change later counts from then.
    expect(
      applySnapshot(
        m,
        [
          ev('410', 'a', 'Connected', { callStartTime: start }),
          ev('400', 'b', 'Ringing', { callStartTime: start, isQueueCall: true }),
        ],
        T0 + 5000,
      ),
    ).toEqual(m)
    const later = applyEvents(m, [ev('400', 'b', 'Connected', { callStartTime: start })], T0 + 5000)
    expect(only(later, '400')).toMatchObject({
      firstSeenAt: T0 - 600_000,
      statusSince: T0 + 5000,
      connectedAt: T0 + 5000,
    })
  })

  it('a call that starts in the live feed is timed by the panel clock, whatever the PBX clock says', () => {
    const m = applyEvents(emptyModel, [ev('410', 'a', 'Ringing', { callStartTime: pbxAgo(40_000) })], T0)
    expect(only(m, '410')).toMatchObject({ firstSeenAt: T0, statusSince: T0 })
    // Without a usable start time a snapshot falls back to now as well.
    const s = applySnapshot(emptyModel, [ev('410', 'c', 'Connected', { callStartTime: '' })], T0)
    expect(only(s, '410')).toMatchObject({ firstSeenAt: T0, statusSince: T0, connectedAt: T0 })
  })
})

describe('expireEnded', () => {
  const LINGER = 8000
  const m = applyEvents(
    emptyModel,
    [ev('410', 'live', 'Ringing'), ev('410', 'done', 'Ringing'), ev('420', 'x', 'Ringing')],
    T0,
  )
  const ended = applyEvents(m, [ev('410', 'done', 'Hungup'), ev('420', 'x', 'No Answer')], T0 + 1000)

  it('keeps ended calls during the linger, same object', () => {
    expect(expireEnded(ended, T0 + 1000 + LINGER - 1, LINGER)).toBe(ended)
  })

  it('drops ended calls after the linger and empty extensions with them', () => {
    const after = expireEnded(ended, T0 + 1000 + LINGER, LINGER)
    expect(callsOn(after, '410').map((c) => c.id)).toEqual(['live'])
    expect(after.byExt['420']).toBeUndefined()
    // The tombstone stays, so a late duplicate of its end does not show it again.
    expect(applyEvents(after, [ev('410', 'done', 'Hungup')], T0 + 20_000)).toBe(after)
  })

  it('forgets tombstones after half an hour', () => {
    const later = expireEnded(ended, T0 + 1000 + 30 * 60_000, LINGER)
    expect(later.ended).toEqual({})
  })
})

describe('tombstones are bounded', () => {
  it('keeps at most MAX_TOMBSTONES, dropping the oldest first', () => {
    const ended: Record<string, { at: number }> = {}
    for (let i = 0; i < MAX_TOMBSTONES + 50; i++) ended[`410|c${i}`] = { at: 1000 + i }
    const model = expireEnded({ byExt: {}, ended }, 2000, 8000)
    const keys = Object.keys(model.ended)
    expect(keys).toHaveLength(MAX_TOMBSTONES)
    expect(keys[0]).toBe('410|c50')
    expect(model.ended['410|c49']).toBeUndefined()
  })
})
