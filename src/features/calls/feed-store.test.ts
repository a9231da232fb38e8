// @vitest-environment node
import { beforeEach, describe, expect, it } from 'vitest'
import type { FeedEvent, SubscribeResult } from '../pbx/pbx-client.ts'
import { PbxError } from '../pbx/pbx-error.ts'
import { useDiagnostics } from './diagnostics-store.ts'
import { answerKey } from './call-model.ts'
import { cursorOf, LINGER_MS, nextRequest, resetFeedStore, useFeed } from './feed-store.ts'

const T0 = 1_700_000_000_000
const WATCHED = new Set(['400', '410'])
const W = '400,410'

const ev = (ext: string, uniqueCallId: string, status: string): FeedEvent => ({ ext, data: { uniqueCallId, status } })
const reply = (seq: string, events: FeedEvent[] = []): SubscribeResult => ({ seq, events, rejected: 0 })
const receive = (sentSeq: string | null, result: SubscribeResult, now = T0) =>
  useFeed.getState().replyReceived({ seq: sentSeq, watching: W }, result, WATCHED, now)
const cursor = () => cursorOf(useFeed.getState().sync)
const ids = (ext: string) => (useFeed.getState().model.byExt[ext] ?? []).map((c) => `${c.id}:${c.status}`)

beforeEach(() => {
  resetFeedStore()
  useDiagnostics.getState().cleared()
})

describe('each offer of a call has its own answer key (an earlier click never sticks to a new offer)', () => {
  const numbered = (callId: number, status: string): FeedEvent => ({ ...ev('410', 'q', status), callId })
  const offer = () => useFeed.getState().model.byExt['410']?.find((c) => c.id === 'q')

  it('the queue offering the call again after it ended', () => {
    receive(null, reply('5', [numbered(1, 'Ringing')]))
    const first = answerKey(offer()!)
    receive('5', reply('6', [ev('400', 'x', 'Ringing')]), T0 + 500)
    expect(answerKey(offer()!)).toBe(first)
    receive('6', reply('7', [numbered(2, 'No Answer')]), T0 + 1000)
    receive('7', reply('8', [numbered(3, 'Ringing')]), T0 + 9000)
    expect(offer()).toMatchObject({ status: 'Ringing', firstSeenAt: T0 + 9000 })
    expect(answerKey(offer()!)).not.toBe(first)
  })

  it('an offer ended and rung again within one reply', () => {
    receive(null, reply('5', [numbered(1, 'Ringing')]))
    const first = answerKey(offer()!)
    receive('5', reply('6', [numbered(2, 'No Answer'), numbered(3, 'Ringing')]), T0 + 1000)
    expect(offer()).toMatchObject({ status: 'Ringing' })
    expect(answerKey(offer()!)).not.toBe(first)
  })
})

describe('replyReceived', () => {
  it('chains the cursor: each reply’s seq is the next request’s lastSequenceNumber', () => {
    receive(null, reply('5', [ev('410', 'a', 'Ringing')]))
    expect(useFeed.getState()).toMatchObject({
      sync: { step: 'hold', seq: '5', quick: false },
      watching: W,
      connection: { phase: 'live' },
    })
    expect(ids('410')).toEqual(['a:Ringing'])

    receive('5', reply('7', [ev('410', 'a', 'Connected'), ev('400', 'b', 'Ringing')]), T0 + 1000)
    expect(useFeed.getState()).toMatchObject({ sync: { step: 'hold', seq: '7' }, lastReplyAt: T0 + 1000 })
    expect(ids('410')).toEqual(['a:Connected'])
    expect(ids('400')).toEqual(['b:Ringing'])
  })

  it('keeps the model object on a timeout reply (same seq, no events), and the cursor', () => {
    receive(null, reply('5', [ev('410', 'a', 'Ringing')]))
    const model = useFeed.getState().model
    receive('5', reply('5'), T0 + 25_000)
    expect(useFeed.getState().model).toBe(model)
    expect(useFeed.getState()).toMatchObject({ sync: { step: 'hold', seq: '5' }, lastReplyAt: T0 + 25_000 })
  })

  it('takes a snapshot when the server answers seq 0, and shows its reason once the snapshot lands', () => {
    receive(null, reply('50', [ev('410', 'a', 'Ringing')]))
    receive('50', { ...reply('0'), message: 'Resynchronised with the PBX: it restarted' }, T0 + 1000)
    const s = useFeed.getState()
    expect(s.sync).toEqual({ step: 'snapshot', reason: 'Resynchronised with the PBX: it restarted' })
    expect(ids('410')).toEqual(['a:Ringing'])
    expect(useDiagnostics.getState().entries.some((e) => e.type === 'resync')).toBe(true)

    receive(null, reply('4', [ev('410', 'b', 'Ringing')]), T0 + 2000)
    const after = useFeed.getState()
    expect(after.sync).toEqual({ step: 'hold', seq: '4', quick: false })
    expect(after.notice).toBe('Resynchronised with the PBX: it restarted')
    // The call the server no longer lists is ended, not left ringing.
    expect(after.model.byExt['410'].find((c) => c.id === 'a')).toMatchObject({ vanished: true, endedAt: T0 + 2000 })
    expect(after.model.byExt['410'].find((c) => c.id === 'b')).toMatchObject({ status: 'Ringing' })
  })

  it('takes a snapshot on any seq lower than the cursor, with a plain notice when the server gave no reason', () => {
    receive(null, reply('50'))
    receive('50', reply('3', [ev('410', 'ghost', 'Ringing')]), T0 + 1000)
    expect(ids('410')).toEqual([])
    receive(null, reply('4'), T0 + 2000)
    expect(useFeed.getState().notice).toBe('Resynchronised with the PBX')
  })

  it('compares seq exactly beyond 2^53', () => {
    receive(null, reply('9007199254740992'))
    receive('9007199254740992', reply('9007199254740993', [ev('410', 'a', 'Ringing')]))
    expect(cursor()).toBe('9007199254740993')
    expect(ids('410')).toEqual(['a:Ringing'])
    receive('9007199254740993', reply('9007199254740992'))
    expect(cursor()).toBeNull()
  })

  it('ignores events for extensions it does not watch', () => {
    receive(null, reply('5', [ev('410', 'a', 'Ringing'), ev('999', 'x', 'Ringing')]))
    receive('5', reply('6', [ev('SIP/999', 'y', 'Ringing'), ev('SIP/400', 'b', 'Ringing')]))
    const s = useFeed.getState()
    expect(Object.keys(s.model.byExt).sort()).toEqual(['400', '410'])
    expect(cursor()).toBe('6')
  })

  it('does not show a first-load notice', () => {
    receive(null, reply('1'))
    expect(useFeed.getState().notice).toBeNull()
  })
})

describe('failures and the clock', () => {
  const down = (reason: 'key-refused' | 'unreachable' | 'pbx-error', message: string) =>
    new PbxError('feed-down', message, { status: 503, reason })

  it('a failed poll says what the server said and when the next try is; the next request asks at once', () => {
    receive(null, reply('5'))
    useFeed.getState().pollFailed(down('pbx-error', 'The PBX answered HTTP 503'), T0 + 1000, 2000)
    expect(useFeed.getState()).toMatchObject({
      sync: { step: 'hold', seq: '5', quick: true },
      failures: 1,
      connection: { phase: 'reconnecting', error: 'The PBX answered HTTP 503', nextRetryAt: T0 + 3000 },
    })
    receive('5', reply('5'))
    expect(useFeed.getState()).toMatchObject({
      sync: { step: 'hold', seq: '5', quick: false },
      failures: 0,
      connection: { phase: 'live' },
    })
  })

  it('a key the PBX refused (the server says key-refused) shows the auth phase, in the server’s words', () => {
    useFeed.getState().pollFailed(down('key-refused', 'The PBX refused the API key: tell your administrator'), T0, 1)
    expect(useFeed.getState().connection).toMatchObject({
      phase: 'auth',
      error: 'The PBX refused the API key: tell your administrator',
    })
  })

  it('a poll that fails while the browser is offline says offline, whichever came first', () => {
    receive(null, reply('5'))
    useFeed.getState().wentOffline()
    useFeed.getState().pollFailed(new PbxError('offline', 'This computer is offline'), T0, 1000)
    expect(useFeed.getState().connection.phase).toBe('offline')
  })

  it('a resync request drops the cursor, and its reason becomes the notice once the snapshot lands', () => {
    receive(null, reply('5'))
    useFeed.getState().resyncRequested('no reply for 60 s')
    expect(useFeed.getState().sync).toEqual({
      step: 'snapshot',
      reason: 'Resynchronised with the PBX (no reply for 60 s)',
    })
    receive(null, reply('9'), T0 + 60_000)
    expect(useFeed.getState()).toMatchObject({
      sync: { step: 'hold', seq: '9', quick: false },
      notice: 'Resynchronised with the PBX (no reply for 60 s)',
    })
  })

  it('clock ticks expire ended calls after the linger', () => {
    receive(null, reply('5', [ev('410', 'a', 'Ringing')]))
    receive('5', reply('6', [ev('410', 'a', 'Hungup')]), T0 + 1000)
    useFeed.getState().clockTicked(T0 + 1000 + LINGER_MS - 1)
    expect(ids('410')).toEqual(['a:Hungup'])
    useFeed.getState().clockTicked(T0 + 1000 + LINGER_MS)
    expect(ids('410')).toEqual([])
  })
})

describe('the next request, from the feed state alone', () => {
  const next = (exten = ['400', '410']) => {
    const r = nextRequest(useFeed.getState(), exten, 100, 25)
    return `${r.sent.seq ?? 'snapshot'}/${r.timeOut}`
  }
  const fail = () => useFeed.getState().pollFailed(new PbxError('network', 'x'), T0, 1000)

  it('first a snapshot, then a hold from the cursor; a new extension needs a snapshot, fewer do not', () => {
    expect(next()).toBe('snapshot/0')
    receive(null, reply('5'))
    expect(next()).toBe('5/25')
    expect(next(['410'])).toBe('5/25')
    expect(next(['400', '410', '420'])).toBe('snapshot/0')
  })

  it('waits the minimum period from the later of the last send and the last reply', () => {
    receive(null, reply('5'), T0)
    expect(nextRequest(useFeed.getState(), ['400'], 100, 25).notBefore).toBe(T0 + 100)
    useFeed.getState().pollSent(T0 + 50)
    expect(nextRequest(useFeed.getState(), ['400'], 100, 25).notBefore).toBe(T0 + 150)
  })

  it('after a fault: asks from the cursor at once (timeOut=0), then holds again', () => {
    receive(null, reply('5'))
    fail()
    expect(next()).toBe('5/0')
    fail()
    expect(next()).toBe('5/0')
    receive('5', reply('6'))
    expect(next()).toBe('6/25')
  })

  it('a snapshot due stays due through a failure; Retry now asks at once', () => {
    fail()
    expect(next()).toBe('snapshot/0')
    receive(null, reply('7'))
    useFeed.getState().retryRequested(T0, true)
    expect(next()).toBe('7/0')
    receive('7', reply('7'))
    expect(next()).toBe('7/25')
  })
})
