import { http, HttpResponse } from 'msw'
import { describe, expect, it, vi } from 'vitest'
import { setupTestPbx } from '../../testing/msw-server.ts'
import { HANDSETS } from './handsets.ts'
import { answer, buildUrl, dial, hangup, subscribe } from './pbx-client.ts'
import { PbxError } from './pbx-error.ts'
import { useSession } from '../session/session-store.ts'

const { sim, server, faults } = setupTestPbx()

const SUBSCRIBE = '*/api/pbx/subscribe'
const snapshot = (exten = ['410']) => subscribe({ exten, lastSequenceNumber: '0', timeOut: 0 })

/** Reply to the next subscribe with this exact body, bypassing the simulator. */
function replyWith(body: string, init: { status?: number; contentType?: string } = {}) {
  server.use(
    http.post(
      SUBSCRIBE,
      () =>
        new HttpResponse(body, {
          status: init.status ?? 200,
          headers: { 'Content-Type': init.contentType ?? 'application/json' },
        }),
      { once: true },
    ),
  )
}

/** Every request as it left the client (before the stand-in proxy added the key). */
function captureRequests() {
  const seen: { url: URL; method: string; headers: Headers; body: Promise<string> }[] = []
  const listener = ({ request }: { request: Request }) => {
    seen.push({
      url: new URL(request.url),
      method: request.method,
      headers: request.headers,
      body: request.clone().text(),
    })
  }
  server.events.on('request:start', listener)
  return seen
}

async function failure(p: Promise<unknown>): Promise<PbxError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(PbxError)
  return e as PbxError
}

describe('request building', () => {
  it('sends answer as POST, parameters in the query string, names exact, empty form body, no apiKey', async () => {
    const seen = captureRequests()
    const id = sim.ring({ ext: '410' })
    await answer({ uniqueId: id, exten: '410', answerString: HANDSETS.snom.answerString })
    expect(seen).toHaveLength(1)
    const [req] = seen
    expect(req.method).toBe('POST')
    expect(req.url.pathname).toBe('/api/pbx/answer')
    expect([...req.url.searchParams.keys()].sort()).toEqual(['answerString', 'exten', 'uniqueId'])
    expect(req.url.searchParams.get('answerString')).toBe('Call-Info:\\; answer-after=0')
    // encodeURIComponent of the header, not a raw or form-encoded copy.
    expect(req.url.search).toContain('answerString=Call-Info%3A%5C%3B%20answer-after%3D0')
    expect(req.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded')
    // The server refuses a command without it: a cross-site page cannot send it.
    expect(req.headers.get('X-Switchboard')).toBe('1')
    expect(await req.body).toBe('')
    expect(req.url.search.toLowerCase()).not.toContain('apikey')
    // The stand-in proxy added the key, so the simulator accepted the call.
    expect(sim.requests.at(-1)?.params.apiKey).toBe(sim.apiKey)
  })

  it('sends every method as POST (the server refuses anything else)', async () => {
    const seen = captureRequests()
    const id = sim.ring({ ext: '410' })
    await snapshot()
    await answer({ uniqueId: id, exten: '410', answerString: HANDSETS.snom.answerString })
    await hangup({ extenOrUniqueId: id })
    expect(seen.map((r) => `${r.method} ${r.url.pathname}`)).toEqual([
      'POST /api/pbx/subscribe',
      'POST /api/pbx/answer',
      'POST /api/pbx/hangup',
    ])
  })

  it('names subscribe and dial parameters exactly as the contract', async () => {
    const seen = captureRequests()
    await subscribe({ exten: ['400', 'SIP/410', '410', 'IAX2/420'], lastSequenceNumber: '0', timeOut: 0 })
    await dial({
      number: '+61298765432',
      extenOrUniqueId: 'SIP/400',
      callerId: '+61298765432',
      phoneCaption: '+61298765432',
      autoAnswer: HANDSETS.yealink.answerString,
      monitored: 'yes',
    })
    const [sub, dialled] = seen
    // Bare extensions, each once, as the vendor's client sends them; commas stay readable.
    expect(Object.fromEntries(sub.url.searchParams)).toEqual({
      exten: '400,410,420',
      lastSequenceNumber: '0',
      timeOut: '0',
    })
    expect(sub.url.search).toContain('exten=400,410,420&')
    expect(Object.fromEntries(dialled.url.searchParams)).toEqual({
      number: '+61298765432',
      extenOrUniqueId: 'SIP/400',
      callerId: '+61298765432',
      phoneCaption: '+61298765432',
      autoAnswer: 'Call-info:answer-after=0',
      monitored: 'yes',
    })
    // The vendor's examples keep slashes readable.
    expect(dialled.url.search).toContain('extenOrUniqueId=SIP/400')
    expect(dialled.url.search).toContain('number=%2B61298765432')
  })

  it('never puts an apiKey in a URL, whatever its case', () => {
    const url = buildUrl('hangup', { extenOrUniqueId: '1.2', apiKey: 'k1', APIKEY: 'k2', apikey: 'k3', ApiKey: 'k4' })
    expect(url).toBe('/api/pbx/hangup?extenOrUniqueId=1.2')
  })

  it('leaves undefined parameters out and keeps names case-sensitive', () => {
    expect(buildUrl('dial', { number: '1', extenOrUniqueId: 'SIP/1', tag: undefined, Tag: 'x' })).toBe(
      '/api/pbx/dial?number=1&extenOrUniqueId=SIP/1&Tag=x',
    )
  })
})

describe('errors', () => {
  it('turns a negative Code with HTTP 200 into a pbx error carrying Code and Message', async () => {
    const e = await failure(answer({ uniqueId: 'nope', exten: '410', answerString: HANDSETS.polycom.answerString }))
    expect(e.kind).toBe('pbx')
    expect(e.code).toBe(-1)
    expect(e.pbxMessage).toBe('Call nope not found on extension 410')
    expect(e.message).toContain('Call nope not found on extension 410')
  })

  it('the server’s feed down (503 feed-down): its message, its reason and when it tries the PBX again', async () => {
    faults.feedDown('key-refused', 'The PBX refused the API key (Code -1: Invalid apiKey)', 1_800_000_000_000)
    expect(await failure(snapshot())).toMatchObject({
      kind: 'feed-down',
      status: 503,
      reason: 'key-refused',
      retryAt: 1_800_000_000_000,
      message: 'The PBX refused the API key (Code -1: Invalid apiKey)',
    })
    faults.feedDown('unreachable', 'Cannot reach the PBX (ECONNREFUSED)')
    expect(await failure(snapshot())).toMatchObject({ kind: 'feed-down', reason: 'unreachable', retryAt: undefined })
    expect(useSession.getState().state.status).toBe('signed-in')
  })

  it('the Switchboard server’s refusals: 401 ends the session (sign-in page), 403/429 are refusals with its message, 502 a PBX fault', async () => {
    const said = (status: number, error: string, message: string) =>
      replyWith(JSON.stringify({ error, message }), { status })
    said(403, 'forbidden', 'You may not watch extension 499')
    expect(await failure(snapshot())).toMatchObject({
      kind: 'refused',
      status: 403,
      message: 'You may not watch extension 499',
    })
    said(429, 'rate-limited', 'Dial limit reached (10 a minute); try again in a minute')
    expect(await failure(snapshot())).toMatchObject({ kind: 'refused', message: expect.stringMatching(/^Dial limit/) })
    said(502, 'pbx', 'The PBX did not answer within 15 s')
    expect(await failure(snapshot())).toMatchObject({ kind: 'server', message: 'The PBX did not answer within 15 s' })
    said(404, 'not-found', 'No such route')
    expect(await failure(snapshot())).toMatchObject({ kind: 'refused', message: 'No such route' })
    expect(useSession.getState().state.status).toBe('signed-in')
    said(401, 'unauthenticated', 'Sign in to use Switchboard')
    expect(await failure(snapshot())).toMatchObject({ kind: 'signed-out', status: 401 })
    expect(useSession.getState().state).toEqual({
      status: 'signed-out',
      oidc: null,
      message: 'Your session has ended. Sign in again.',
    })
  })

  it('anything else is the server answering something unexpected: no guessing at PBX pages or keys', async () => {
    for (const [body, status, contentType] of [
      ['HTTP 401', 401, 'text/plain'],
      ['{"Code":-1,"Message":"Unauthorized"}', 401, 'application/json'],
      ['<html><body>Bad gateway</body></html>', 502, 'text/html'],
    ] as const) {
      replyWith(body, { status, contentType })
      expect(await failure(snapshot())).toMatchObject({
        kind: 'unexpected',
        status,
        message: `The Switchboard server answered something unexpected (HTTP ${status})`,
      })
    }
    expect(useSession.getState().state.status).toBe('signed-in')
  })

  it('sends the panel’s X-Switchboard header on every request (the server refuses requests without it)', async () => {
    const seen = captureRequests()
    await snapshot()
    expect(seen[0].headers.get('X-Switchboard')).toBe('1')
  })

  it('reads a Code written as a string and a Message that is not a string', async () => {
    replyWith('{"Code":"-7","Message":42}')
    expect(await failure(snapshot())).toMatchObject({ kind: 'pbx', code: -7, pbxMessage: '42' })
  })

  it.each([
    ['an HTML page', '<!doctype html><html><body>Maintenance</body></html>', 'not JSON'],
    ['truncated JSON', '{"Data":{"410":[', 'not JSON'],
    ['a reply without Code', '{"Data":{},"seq":1}', 'no Code'],
    ['a wrong shape', '{"data":[],"sequence":"x","Code":0}', 'a subscribe reply with seq: Invalid input'],
  ])('calls %s from the server unexpected', async (_label, body, what) => {
    replyWith(body)
    expect(await failure(snapshot())).toMatchObject({
      kind: 'unexpected',
      message: `The Switchboard server answered something unexpected (${what})`,
    })
  })

  it('reports a dropped connection as the server out of reach, or offline when the browser says so', async () => {
    faults.resetNext('subscribe')
    expect(await failure(snapshot())).toMatchObject({ kind: 'network', message: 'Cannot reach the Switchboard server' })
    const online = vi.spyOn(navigator, 'onLine', 'get').mockReturnValue(false)
    faults.resetNext('subscribe')
    expect(await failure(snapshot())).toMatchObject({ kind: 'offline', message: 'This computer is offline' })
    online.mockRestore()
  })

  it('gives up on a reply that never comes at its own deadline', async () => {
    faults.hangNext('subscribe')
    const e = await failure(subscribe({ exten: ['410'], lastSequenceNumber: '0', timeOut: 0 }, { timeoutMs: 50 }))
    expect(e.kind).toBe('timeout')
  })

  it('reports a caller abort as aborted, not a fault', async () => {
    const ac = new AbortController()
    const held = subscribe(
      { exten: ['410'], lastSequenceNumber: '0', timeOut: 25 },
      { signal: ac.signal, timeoutMs: 60_000 },
    )
    await expect.poll(() => sim.heldPolls).toBe(1)
    ac.abort()
    expect((await failure(held)).kind).toBe('aborted')
    expect(sim.heldPolls).toBe(0)
  })
})

describe('subscribe replies', () => {
  it('accepts seq as a numeric string', async () => {
    replyWith('{"Data":{},"seq":"12","Code":0}')
    expect((await snapshot()).seq).toBe('12')
  })

  it('keeps a seq beyond 2^53 exact', async () => {
    replyWith('{"Data":{},"seq":9007199254740993,"Code":0}')
    expect((await snapshot()).seq).toBe('9007199254740993')
    replyWith('{"Data":{},"seq":"123456789012345678901234","Code":0}')
    expect((await snapshot()).seq).toBe('123456789012345678901234')
  })

  it('refuses a negative or fractional seq', async () => {
    replyWith('{"Data":{},"seq":-1,"Code":0}')
    expect((await failure(snapshot())).kind).toBe('unexpected')
    replyWith('{"Data":{},"seq":1.5,"Code":0}')
    expect((await failure(snapshot())).kind).toBe('unexpected')
  })

  it('drops events without uniqueCallId or status, counts them, keeps the rest', async () => {
    sim.ring({ ext: '400', uniqueCallId: 'base' })
    const from = String(sim.seq)
    sim.emitRaw('410', { uniqueCallId: 'a', status: 'Ringing', callerId: '0411' })
    sim.emitRaw('410', { status: 'Ringing' })
    sim.emitRaw('410', { uniqueCallId: 'b' })
    sim.emitRaw('410', { uniqueCallId: '', status: 'Ringing' })
    sim.emitRaw('420', { uniqueCallId: 'c', status: 'Connected' })
    const r = await subscribe({ exten: ['410', '420'], lastSequenceNumber: from, timeOut: 0 })
    expect(r.rejected).toBe(3)
    expect(r.events.map((e) => [e.ext, e.data.uniqueCallId, e.data.status])).toEqual([
      ['410', 'a', 'Ringing'],
      ['420', 'c', 'Connected'],
    ])
    expect(r.seq).toBe(String(sim.seq))
  })

  it('counts non-object events as rejected', async () => {
    replyWith('{"Data":{"410":[null,"x",42,{"CallData":{"uniqueCallId":"a","status":"Ringing"}}]},"seq":3,"Code":0}')
    const r = await snapshot()
    expect(r.rejected).toBe(3)
    expect(r.events).toHaveLength(1)
  })

  it('ignores unknown fields and accepts loose types the PBX uses', async () => {
    replyWith(
      JSON.stringify({
        Data: {
          '410': [
            {
              CallData: {
                uniqueCallId: 1412750652.496,
                status: 'Ringing',
                canAnswer: 'false',
                inbound: 'true',
                callerId: 400,
                newField: { x: 1 },
              },
              CallID: 10,
              Code: 0,
              Extra: 'yes',
            },
          ],
        },
        seq: 10,
        Code: 0,
        Message: 'ok',
        Whatever: [1, 2],
      }),
    )
    const r = await snapshot()
    expect(r.rejected).toBe(0)
    expect(r.events).toEqual([
      {
        ext: '410',
        callId: 10,
        data: { uniqueCallId: '1412750652.496', status: 'Ringing', canAnswer: false, inbound: true, callerId: '400' },
      },
    ])
  })

  it('keeps an event whose optional fields are null or unreadable: they read as absent', async () => {
    const CallData = {
      uniqueCallId: 'a',
      status: 'Ringing',
      callerId: null,
      canAnswer: null,
      callStartTime: null,
      otherPartyCallerId: { n: 1 },
      isQueueCall: 1,
      inbound: 0,
      isClickToDialCall: 'maybe',
    }
    replyWith(JSON.stringify({ Data: { '410': [{ CallData, CallID: '10', Code: '0' }] }, seq: 3, Code: 0 }))
    const r = await snapshot()
    expect(r.rejected).toBe(0)
    expect(r.events).toEqual([
      { ext: '410', callId: 10, data: { uniqueCallId: 'a', status: 'Ringing', isQueueCall: true, inbound: false } },
    ])
  })

  it('reads flags written as words or digits in any case; an extension sent {} has no events', async () => {
    const e = (uniqueCallId: string, canAnswer: unknown) => ({
      CallData: { uniqueCallId, status: 'Ringing', canAnswer },
    })
    replyWith(
      JSON.stringify({
        Data: { '410': [e('a', 'FALSE'), e('b', 'Yes'), e('c', '0'), e('d', 'perhaps')], '420': {} },
        seq: 3,
        Code: 0,
      }),
    )
    const r = await snapshot()
    expect(r.rejected).toBe(0)
    expect(r.events.map((x) => [x.data.uniqueCallId, x.data.canAnswer])).toEqual([
      ['a', false],
      ['b', true],
      ['c', false],
      ['d', undefined],
    ])
  })

  it.each([
    ['{}', '{"Data":{},"seq":5,"Code":0}'],
    ['[]', '{"Data":[],"seq":5,"Code":0}'],
    ['null', '{"Data":null,"seq":5,"Code":0}'],
    ['missing', '{"seq":5,"Code":0}'],
  ])('accepts an empty Data written as %s', async (_label, body) => {
    replyWith(body)
    expect(await snapshot()).toEqual({ seq: '5', events: [], rejected: 0, receivedAt: expect.any(Number) })
  })

  it('says when the reply came from the built-in simulator (the header its server adds)', async () => {
    expect((await snapshot()).simulated).toBeUndefined()
    server.use(
      http.post(
        SUBSCRIBE,
        () => HttpResponse.json({ Data: {}, seq: 5, Code: 0 }, { headers: { 'X-Switchboard-Simulator': '1' } }),
        { once: true },
      ),
    )
    expect(await snapshot()).toEqual({
      seq: '5',
      events: [],
      rejected: 0,
      simulated: true,
      receivedAt: expect.any(Number),
    })
  })

  it('keeps the server’s Message with a reply (with seq 0: why to take a snapshot)', async () => {
    replyWith('{"Data":{},"seq":0,"Code":0,"Message":"Resynchronised with the PBX: it restarted"}')
    expect(await snapshot()).toEqual({
      seq: '0',
      events: [],
      rejected: 0,
      message: 'Resynchronised with the PBX: it restarted',
      receivedAt: expect.any(Number),
    })
    replyWith('{"Data":{},"seq":6,"Code":0}')
    expect((await snapshot()).message).toBeUndefined()
  })

  it('reads 1,000 events in one reply, in order', async () => {
    const data: Record<string, unknown[]> = {}
    for (let i = 0; i < 1000; i++)
      (data[String(1000 + (i % 100))] ??= []).push({
        CallData: { uniqueCallId: `c${i}`, status: 'Ringing' },
        CallID: i,
        Code: 0,
      })
    replyWith(JSON.stringify({ Data: data, seq: 1000, Code: 0 }))
    const r = await snapshot()
    expect(r.events).toHaveLength(1000)
    expect(r.rejected).toBe(0)
    expect(r.events.filter((e) => e.ext === '1007').map((e) => e.data.uniqueCallId)).toEqual(
      Array.from({ length: 10 }, (_, k) => `c${7 + 100 * k}`),
    )
  })
})

describe('actions', () => {
  it('hangs up by uniqueCallId and reads the reply', async () => {
    const id = sim.ring({ ext: '410' })
    await expect(hangup({ extenOrUniqueId: id })).resolves.toMatchObject({ Code: 0, Message: 'Channel Hungup' })
    expect(sim.truth(['410'])).toEqual({ '410': {} })
  })

  it('reads the dial SessionID', async () => {
    const n = '0298765432'
    await expect(
      dial({
        number: n,
        extenOrUniqueId: 'SIP/400',
        callerId: n,
        phoneCaption: n,
        autoAnswer: HANDSETS.snom.answerString,
      }),
    ).resolves.toMatchObject({
      Code: 0,
      SessionID: expect.stringMatching(/^sim-/),
    })
  })
})
