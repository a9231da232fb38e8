// @vitest-environment node
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { PbxSimulator, type SimReply } from './pbx-simulator.ts'

const KEY = 'test-key'

interface Event {
  CallData: Record<string, unknown> & { uniqueCallId: string; status: string }
  CallID: number
}
interface Reply {
  Code: number
  Message?: string
  seq?: number
  Data?: Record<string, Event[]>
  SessionID?: string
}

let sim: PbxSimulator

const call = (method: string, params: Record<string, string | number>, httpMethod = 'POST', signal?: AbortSignal) =>
  sim.handle(
    httpMethod,
    method,
    new URLSearchParams({ apiKey: KEY, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) }),
    signal,
  )

function body(r: SimReply): Reply {
  if (r.kind !== 'http') throw new Error(`expected an HTTP reply, got ${r.kind}`)
  return JSON.parse(r.body) as Reply
}

const poll = (exten: string, last: number, timeOut = 0, signal?: AbortSignal) =>
  call('subscribe', { exten, lastSequenceNumber: last, timeOut }, 'POST', signal)

const statuses = (r: Reply, ext: string) =>
  (r.Data?.[ext] ?? []).map((e) => `${e.CallData.uniqueCallId}:${e.CallData.status}`)

/** Settle a promise's state without awaiting it forever. */
async function settled<T>(p: Promise<T>): Promise<boolean> {
  let done = false
  void p.then(() => (done = true))
  await vi.advanceTimersByTimeAsync(0)
  return done
}

beforeEach(() => {
  vi.useFakeTimers()
  sim = new PbxSimulator({
    apiKey: KEY,
    answerDelayMs: 250,
    minPollPeriodMs: 100,
    batchWindowMs: 5,
    now: () => Date.now(),
  })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('subscribe', () => {
  it('answers lastSequenceNumber=0 with the current state of the requested extensions only', async () => {
    const a = sim.ring({ ext: '410', callerId: '0298765432' })
    sim.ring({ ext: '400' })
    const b = sim.ring({ ext: '420', fromExt: '410' })
    const r = body(await poll('410,420', 0))
    expect(r.Code).toBe(0)
    expect(r.seq).toBe(sim.seq)
    expect(Object.keys(r.Data ?? {}).sort()).toEqual(['410', '420'])
    // Extensions are bare, as the PBX keys its events: a tech prefix names no extension.
    await vi.advanceTimersByTimeAsync(100)
    expect(Object.keys(body(await poll('SIP/420', 0)).Data ?? {})).toEqual([])
    expect(statuses(r, '410')).toEqual([`${a}:Ringing`, `${b}:Dialing Out`])
    expect(r.Data?.['410'][0].CallData).toMatchObject({
      callerId: '0298765432',
      inbound: true,
      canAnswer: true,
      isQueueCall: false,
    })
  })

  it('sends only the events after the cursor, oldest first, with the newest seq', async () => {
    const a = sim.ring({ ext: '410' })
    const cursor = sim.seq
    sim.connect(a, '410')
    const b = sim.ring({ ext: '400' })
    sim.setStatus(a, 'Hungup')
    const r = body(await poll('400,410', cursor))
    expect(statuses(r, '410')).toEqual([`${a}:Connected`, `${a}:Hungup`])
    expect(statuses(r, '400')).toEqual([`${b}:Ringing`])
    expect(r.seq).toBe(sim.seq)
    expect(r.seq).toBe(cursor + 3)
  })

  it('holds a poll until its timeOut, then answers with empty Data and the same seq', async () => {
    sim.ring({ ext: '410' })
    const pending = poll('410', sim.seq, 25)
    await vi.advanceTimersByTimeAsync(24_900)
    expect(await settled(pending)).toBe(false)
    expect(sim.heldPolls).toBe(1)
    await vi.advanceTimersByTimeAsync(100)
    expect(body(await pending)).toEqual({ Data: {}, seq: 1, Code: 0 })
    expect(sim.heldPolls).toBe(0)
  })

  it('releases a held poll as soon as an event comes, batching events that land together', async () => {
    const pending = poll('410', 0, 25)
    await vi.advanceTimersByTimeAsync(1000)
    expect(await settled(pending)).toBe(false)
    const a = sim.ring({ ext: '410' })
    const b = sim.ring({ ext: '410' })
    await vi.advanceTimersByTimeAsync(5)
    const r = body(await pending)
    expect(statuses(r, '410')).toEqual([`${a}:Ringing`, `${b}:Ringing`])
    expect(r.seq).toBe(2)
  })

  it('does not release a held poll for another extension', async () => {
    const pending = poll('410', 0, 25)
    await vi.advanceTimersByTimeAsync(0)
    sim.ring({ ext: '400' })
    await vi.advanceTimersByTimeAsync(100)
    expect(await settled(pending)).toBe(false)
  })

  it('answers a cursor it never issued with its real seq', async () => {
    sim.ring({ ext: '410' })
    expect(body(await poll('410', 99, 25))).toEqual({ Data: {}, seq: 1, Code: 0 })
  })

  it('refuses a missing exten or a bad lastSequenceNumber', async () => {
    expect(body(await call('subscribe', { lastSequenceNumber: 0 })).Code).toBeLessThan(0)
    expect(body(await call('subscribe', { exten: '410', lastSequenceNumber: 'abc' })).Code).toBeLessThan(0)
  })

  it('stops holding a poll whose client went away', async () => {
    const ac = new AbortController()
    const pending = poll('410', 0, 25, ac.signal)
    await vi.advanceTimersByTimeAsync(0)
    expect(sim.heldPolls).toBe(1)
    ac.abort()
    expect(await pending).toEqual({ kind: 'hang' })
    expect(sim.heldPolls).toBe(0)
  })

  it('enforces the minimum poll period per subscription', async () => {
    await poll('410', 0)
    const t0 = Date.now()
    const second = poll('410', 0)
    const other = poll('400', 0)
    await vi.advanceTimersByTimeAsync(0)
    expect(await settled(other)).toBe(true)
    expect(await settled(second)).toBe(false)
    await vi.advanceTimersByTimeAsync(100)
    await second
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100)
  })
})

describe('restart', () => {
  it('resets seq, drops calls and cuts held polls', async () => {
    const first = sim.ring({ ext: '410' })
    sim.ring({ ext: '410' })
    const held = poll('410', sim.seq, 25)
    await vi.advanceTimersByTimeAsync(0)
    sim.restart()
    expect(await held).toEqual({ kind: 'reset' })
    expect(sim.seq).toBe(0)
    expect(sim.truth(['410'])).toEqual({ '410': {} })
    await vi.advanceTimersByTimeAsync(100)
    expect(body(await poll('410', 0))).toEqual({ Data: {}, seq: 0, Code: 0 })
    const c = sim.ring({ ext: '410' })
    expect(sim.seq).toBe(1)
    // uniqueCallIds after a restart never collide with earlier ones; they start with the epoch second, as Asterisk's.
    expect(c).not.toBe(first)
    expect(c.split('.')[0]).toBe(String(Math.floor(Date.now() / 1000)))
  })

  it('closes every connection: its listeners told, even with no poll held', () => {
    let closed = 0
    const off = sim.onClose(() => closed++)
    sim.restart()
    expect(closed).toBe(1)
    off()
    sim.restart()
    expect(closed).toBe(1)
  })

  it('holdStale: a cursor from before is held, and each new event wakes it with nothing and the cursor echoed', async () => {
    for (let i = 0; i < 5; i++) sim.ring({ ext: '410' })
    const old = sim.seq
    sim.restart({ holdStale: true })
    await vi.advanceTimersByTimeAsync(100)
    const held = poll('410', old, 25)
    await vi.advanceTimersByTimeAsync(0)
    expect(await settled(held)).toBe(false)
    sim.ring({ ext: '410' })
    await vi.advanceTimersByTimeAsync(10)
    expect(body(await held)).toEqual({ Data: {}, seq: old, Code: 0 })
  })

  it('by default answers a cursor from before the restart with its real, lower seq; echoCursor holds it and echoes it back', async () => {
    for (let i = 0; i < 5; i++) sim.ring({ ext: '410' })
    const old = sim.seq
    sim.restart()
    await vi.advanceTimersByTimeAsync(100)
    expect(body(await poll('410', old))).toEqual({ Data: {}, seq: 0, Code: 0 })
    sim.restart({ echoCursor: true })
    await vi.advanceTimersByTimeAsync(100)
    expect(body(await poll('410', old))).toEqual({ Data: {}, seq: old, Code: 0 })
    await vi.advanceTimersByTimeAsync(100)
    const held = poll('410', old, 25)
    sim.ring({ ext: '410' })
    // Its event is numbered 1, below the cursor: the poll is not released by it.
    expect(await settled(held)).toBe(false)
    await vi.advanceTimersByTimeAsync(25_000)
    expect(body(await held)).toEqual({ Data: {}, seq: old, Code: 0 })
    // A snapshot shows where it really is.
    await vi.advanceTimersByTimeAsync(100)
    const snap = body(await poll('410', 0))
    expect([snap.seq, statuses(snap, '410').length]).toEqual([1, 1])
  })
})

describe('authentication and transport', () => {
  it('refuses a wrong key with a negative Code by default', async () => {
    sim.apiKey = 'rotated'
    const r = await call('subscribe', { exten: '410', lastSequenceNumber: 0, timeOut: 0 })
    expect(body(r)).toEqual({ Code: -1, Message: 'Authentication failed: invalid apiKey' })
  })

  it('refuses a missing key', async () => {
    const r = await sim.handle('POST', 'subscribe', new URLSearchParams({ exten: '410', lastSequenceNumber: '0' }))
    expect(body(r).Code).toBe(-1)
  })

  it('can refuse with HTTP 401 or an HTML 403 page', async () => {
    sim.apiKey = 'rotated'
    sim.authStyle = 'http401'
    expect(await poll('410', 0)).toMatchObject({ kind: 'http', status: 401 })
    sim.authStyle = 'html403'
    expect(await poll('410', 0)).toMatchObject({ kind: 'http', status: 403, contentType: 'text/html' })
  })

  it('answers GET with 405 and an unknown method with 404', async () => {
    expect(await call('subscribe', { exten: '410', lastSequenceNumber: 0 }, 'GET')).toMatchObject({
      kind: 'http',
      status: 405,
    })
    expect(await call('nosuch', {})).toMatchObject({ kind: 'http', status: 404 })
  })

  it('logs every request with its parameters', async () => {
    await poll('410', 0)
    expect(sim.requests).toEqual([
      {
        method: 'subscribe',
        params: { apiKey: KEY, exten: '410', lastSequenceNumber: '0', timeOut: '0' },
        at: Date.now(),
      },
    ])
  })
})

describe('faults', () => {
  it('applies queued faults to the next subscribes, in order, then answers normally', async () => {
    sim.failNextSubscribe({ kind: 'http', status: 503 }, { kind: 'html' }, { kind: 'negativeCode' })
    expect(await poll('410', 0)).toMatchObject({ kind: 'http', status: 503 })
    await vi.advanceTimersByTimeAsync(100)
    expect(await poll('410', 0)).toMatchObject({ kind: 'http', status: 200, contentType: 'text/html' })
    await vi.advanceTimersByTimeAsync(100)
    expect(body(await poll('410', 0)).Code).toBe(-2)
    await vi.advanceTimersByTimeAsync(100)
    expect(body(await poll('410', 0)).Code).toBe(0)
  })

  it('truncates JSON and sends the wrong shape on demand', async () => {
    sim.failNextSubscribe({ kind: 'truncated' }, { kind: 'wrongShape' })
    const t = await poll('410', 0)
    expect(t.kind === 'http' && (() => JSON.parse(t.body))).toThrow()
    await vi.advanceTimersByTimeAsync(100)
    expect(body(await poll('410', 0))).not.toHaveProperty('seq')
  })

  it('sends the very same reply twice for duplicate', async () => {
    sim.ring({ ext: '410' })
    sim.failNextSubscribe({ kind: 'duplicate' })
    const first = await poll('410', 0, 0)
    await vi.advanceTimersByTimeAsync(100)
    sim.ring({ ext: '410' })
    expect(await poll('410', 1, 0)).toEqual(first)
  })
})

describe('call control', () => {
  it('answers a ringing call: Code 0, then Connected after the answer delay', async () => {
    const id = sim.ring({ ext: '410' })
    expect(
      body(await call('answer', { uniqueId: id, exten: 'SIP/410', answerString: 'Call-info:answer-after=0' })).Code,
    ).toBe(0)
    expect(sim.truth(['410'])['410'][id]).toBe('Ringing')
    await vi.advanceTimersByTimeAsync(250)
    expect(sim.truth(['410'])['410'][id]).toBe('Connected')
  })

  it('refuses to answer a call that is not ringing, cannot be answered, or without a known answerString', async () => {
    const header = 'Alert-Info: Ring Answer'
    const id = sim.ring({ ext: '410' })
    expect(body(await call('answer', { uniqueId: id, exten: '410' })).Code).toBe(-1)
    expect(body(await call('answer', { uniqueId: id, exten: '410', answerString: 'Alert-Info: Ring' })).Message).toBe(
      'Unknown answerString: Alert-Info: Ring',
    )
    expect(body(await call('answer', { uniqueId: 'nope', exten: '410', answerString: header })).Code).toBe(-1)
    const locked = sim.ring({ ext: '420', canAnswer: false })
    expect(body(await call('answer', { uniqueId: locked, exten: '420', answerString: header })).Code).toBe(-1)
    sim.connect(id, '410')
    expect(body(await call('answer', { uniqueId: id, exten: '410', answerString: header })).Message).toContain(
      'not ringing',
    )
  })

  it('connects both legs of an internal call', () => {
    const id = sim.ring({ ext: '410', fromExt: '400' })
    sim.connect(id, '410')
    expect(sim.truth(['400', '410'])).toEqual({ '400': { [id]: 'Connected' }, '410': { [id]: 'Connected' } })
  })

  it('hangs up by uniqueCallId or by extension; every leg ends', async () => {
    const a = sim.ring({ ext: '410', fromExt: '400' })
    expect(body(await call('hangup', { extenOrUniqueId: a }))).toEqual({ Message: 'Channel Hungup', Code: 0 })
    expect(sim.truth(['400', '410'])).toEqual({ '400': {}, '410': {} })
    sim.ring({ ext: '420' })
    expect(body(await call('hangup', { extenOrUniqueId: 'SIP/420' })).Code).toBe(0)
    expect(sim.truth(['420'])).toEqual({ '420': {} })
    expect(body(await call('hangup', { extenOrUniqueId: '420' })).Code).toBe(-1)
  })

  it('dials out: a click-to-dial leg Dialing Out, Connected a second later', async () => {
    const main = { callerId: '+61298765432', phoneCaption: '+61298765432', autoAnswer: 'Call-info:answer-after=0' }
    expect(body(await call('dial', { number: '+61298765432', extenOrUniqueId: 'SIP/400' }))).toEqual({
      Code: -1,
      Message: 'Missing parameter: callerId, phoneCaption, autoAnswer',
    })
    const r = body(
      await call('dial', { number: '+61298765432', extenOrUniqueId: 'SIP/400', ...main, monitored: 'yes' }),
    )
    expect(r).toMatchObject({ Code: 0, SessionID: expect.stringMatching(/^sim-/) })
    const [leg] = sim.activeLegs('400')
    expect(leg).toMatchObject({
      status: 'Dialing Out',
      inbound: false,
      isClickToDialCall: true,
      callerId: '+61298765432',
    })
    await vi.advanceTimersByTimeAsync(1000)
    expect(sim.activeLegs('400')[0].status).toBe('Connected')
    expect(body(await call('dial', { number: '12ab', extenOrUniqueId: 'SIP/400', ...main })).Code).toBe(-1)
  })

  it('records: start by anyone, stop only by the owner', async () => {
    const id = sim.ring({ ext: '410' })
    sim.connect(id, '410')
    expect(body(await call('start', { extenOrUniqueId: id, agentLoginName: 'alice' }))).toEqual({
      Code: -1,
      Message: 'Missing parameter: tag',
    })
    expect(body(await call('start', { extenOrUniqueId: id, agentLoginName: 'alice', tag: 'switchboard' })).Code).toBe(0)
    expect(body(await call('stop', { extenOrUniqueId: id, agentLoginName: 'bob' }))).toMatchObject({
      Code: -1,
      Message: 'Recording is owned by alice',
    })
    expect(body(await call('stop', { extenOrUniqueId: '410', agentLoginName: 'alice' })).Code).toBe(0)
    expect(body(await call('start', { extenOrUniqueId: id })).Code).toBe(-1)
  })

  it('emits raw events as given and leaves them out of the truth', async () => {
    sim.ring({ ext: '400' })
    sim.emitRaw('410', { uniqueCallId: 'odd', status: 'Parked', extra: 1 })
    // lastSequenceNumber=0 would be a snapshot of live calls; raw events travel in the log.
    const r = body(await poll('410', 1, 25))
    expect(r.Data?.['410'][0].CallData).toEqual({ uniqueCallId: 'odd', status: 'Parked', extra: 1 })
    expect(sim.truth(['410'])).toEqual({ '410': {} })
  })
})
