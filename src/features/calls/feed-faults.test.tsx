// Bad input, end to end: the raw reply body goes through the real client (fetch, zod), the poll's
// query function and the feed store, so nothing between the wire and the model is stubbed.
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { renderHook } from '@testing-library/react'
import type { ReactNode } from 'react'
import { http, HttpResponse } from 'msw'
import { setupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest'
import { callQueries } from './call-queries.ts'
import { useDiagnostics } from './diagnostics-store.ts'
import { cursorOf, resetFeedStore, useFeed } from './feed-store.ts'
import { retryFeed, useCallFeed } from './use-call-feed.ts'

const EXTS = ['400', '410'] as const
const replies: string[] = []
const sent: URLSearchParams[] = []

let retries = 0
const server = setupServer(
  http.post('*/api/feed/retry', () => {
    retries++
    return new HttpResponse(null, { status: 204 })
  }),
  http.post('*/api/pbx/subscribe', ({ request }) => {
    sent.push(new URL(request.url).searchParams)
    const body = replies.shift()
    if (body === undefined) return HttpResponse.text('no reply queued', { status: 500 })
    return new HttpResponse(body, { headers: { 'Content-Type': 'application/json' } })
  }),
)
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }))
afterAll(() => server.close())

let client: QueryClient
beforeEach(() => {
  resetFeedStore()
  useDiagnostics.getState().cleared()
  replies.length = 0
  retries = 0
  sent.length = 0
  client = new QueryClient({ defaultOptions: { queries: { retry: false } } })
})
afterEach(() => {
  client.clear()
  server.resetHandlers()
})

/** One poll as the app runs it (the feed's query, once): the store's state in, the raw body through client and store. */
const fetchOnce = () => client.fetchQuery({ ...callQueries.feed(EXTS), staleTime: 0, retry: false })
async function poll(body: string | object): Promise<void> {
  replies.push(typeof body === 'string' ? body : JSON.stringify(body))
  await fetchOnce()
}
const cursor = () => cursorOf(useFeed.getState().sync)

const event = (uniqueCallId: string, status: string, extra: Record<string, unknown> = {}) => ({
  CallData: { uniqueCallId, status, callerId: '0290000000', ...extra },
  CallID: 1,
  Code: 0,
})
const cards = (ext: string) => (useFeed.getState().model.byExt[ext] ?? []).map((c) => `${c.id}:${c.status}`)
const allCards = () => Object.values(useFeed.getState().model.byExt).flat()

describe('bad input never corrupts the feed', () => {
  it.each([
    ['{}', { Data: {}, seq: 3, Code: 0 }],
    ['[]', { Data: [], seq: 3, Code: 0 }],
    ['null', { Data: null, seq: 3, Code: 0 }],
    ['absent', { seq: 3, Code: 0 }],
  ])('an empty Data (%s) moves the cursor and changes no card', async (_name, reply) => {
    await poll({ Data: { '410': [event('a', 'Ringing')] }, seq: 2, Code: 0 })
    const model = useFeed.getState().model
    await poll(reply)
    expect(useFeed.getState().model).toBe(model)
    expect(useFeed.getState()).toMatchObject({ sync: { step: 'hold', seq: '3' }, connection: { phase: 'live' } })
    expect(sent.at(-1)?.get('lastSequenceNumber')).toBe('2')
  })

  it('ignores unknown extension keys, maps SIP/410 to 410, and pollutes no prototype', async () => {
    const data =
      `{"Data":{"999":[${JSON.stringify(event('x', 'Ringing'))}],"":[${JSON.stringify(event('y', 'Ringing'))}],` +
      `"__proto__":[${JSON.stringify(event('p', 'Ringing'))}],"constructor":[${JSON.stringify(event('c', 'Ringing'))}],` +
      `"SIP/410":[${JSON.stringify(event('a', 'Ringing'))}]},"seq":4,"Code":0}`
    await poll(data)
    expect(cards('410')).toEqual(['a:Ringing'])
    expect(allCards().map((c) => c.id)).toEqual(['a'])
    expect(Object.keys(useFeed.getState().model.byExt)).toEqual(['410'])
    expect(Object.prototype).not.toHaveProperty('status')
  })

  it('drops events missing uniqueCallId or status (cursor still moves, count in diagnostics), keeps the rest', async () => {
    await poll({
      Data: {
        '410': [
          { CallData: { status: 'Ringing', callerId: '1' }, CallID: 1, Code: 0 },
          { CallData: { uniqueCallId: 'b', callerId: '2' }, CallID: 2, Code: 0 },
          { CallData: { uniqueCallId: '', status: 'Ringing' }, CallID: 3, Code: 0 },
          { CallID: 4, Code: 0 },
          'not an event',
          event('ok', 'Ringing'),
        ],
      },
      seq: 9,
      Code: 0,
    })
    expect(cards('410')).toEqual(['ok:Ringing'])
    expect(cursor()).toBe('9')
    expect(useDiagnostics.getState().entries.at(-1)?.text).toMatch(/5 malformed events dropped/)
  })

  it('takes a minimal event (only uniqueCallId and status) and ignores extra fields', async () => {
    await poll({
      Data: {
        '400': [{ CallData: { uniqueCallId: 'm', status: 'Ringing' } }],
        '410': [event('e', 'Ringing', { agentMood: 'happy', nested: { deep: [1, 2] }, canAnswer: 'false' })],
      },
      seq: 5,
      Code: 0,
      Extra: 'ignored',
    })
    const [m] = useFeed.getState().model.byExt['400']
    expect(m).toMatchObject({ id: 'm', status: 'Ringing', callerId: '', canAnswer: undefined })
    const [e] = useFeed.getState().model.byExt['410']
    expect(e).toMatchObject({ id: 'e', canAnswer: false })
    expect(e).not.toHaveProperty('agentMood')
  })

  it('keeps an unknown status as sent, then ends the call on Hungup', async () => {
    await poll({ Data: { '410': [event('a', 'Ringing'), event('a', 'Parked in orbit 7')] }, seq: 2, Code: 0 })
    expect(cards('410')).toEqual(['a:Parked in orbit 7'])
    await poll({ Data: { '410': [event('a', 'Hungup')] }, seq: 3, Code: 0 })
    expect(useFeed.getState().model.byExt['410'][0]).toMatchObject({ status: 'Hungup', endedAt: expect.any(Number) })
  })

  it('keeps a seq beyond 2^53 exact from the wire to the next request, and sees a restart one below it', async () => {
    await poll('{"Data":{"410":[' + JSON.stringify(event('a', 'Ringing')) + ']},"seq":9007199254740993,"Code":0}')
    expect(cursor()).toBe('9007199254740993')
    await poll('{"Data":{},"seq":9007199254740995,"Code":0}')
    expect(sent.at(-1)?.get('lastSequenceNumber')).toBe('9007199254740993')
    expect(cursor()).toBe('9007199254740995')
    // One below: identical as a float, lower as an integer — that is a restart.
    await poll('{"Data":{},"seq":9007199254740994,"Code":0}')
    expect(useFeed.getState().sync).toEqual({ step: 'snapshot', reason: 'Resynchronised with the PBX' })
  })

  it('reads an extension sent one event rather than a list; skips one it cannot read, keeping the rest', async () => {
    await poll({ Data: { '410': event('a', 'Ringing') }, seq: 7, Code: 0 })
    expect(cards('410')).toEqual(['a:Ringing'])
    await poll({ Data: { '400': 'Ringing', '411': null, '410': [event('b', 'Ringing')] }, seq: 8, Code: 0 })
    expect(cards('410')).toEqual(['a:Ringing', 'b:Ringing'])
    expect(cursor()).toBe('8')
    expect(useFeed.getState().notice).toMatch(/1 event .*could not read/)
    // Another in a later reply: the notice counts both, not only the latest reply's.
    await poll({ Data: { '410': [{ CallData: { status: 'Ringing' }, CallID: 3, Code: 0 }] }, seq: 9, Code: 0 })
    expect(useFeed.getState().notice).toMatch(/^The PBX sent 2 events .*could not read/)
    // Once the notice is gone, a new count starts.
    useFeed.getState().noticeDismissed()
    await poll({ Data: { '410': [{ CallData: null, CallID: 4, Code: 0 }] }, seq: 10, Code: 0 })
    expect(useFeed.getState().notice).toMatch(/^The PBX sent 1 event .*could not read/)
  })

  it('refuses a Data that is not a map by extension, without moving the cursor', async () => {
    await poll({ Data: {}, seq: 7, Code: 0 })
    for (const Data of [[event('z', 'Ringing')], 'x', 5]) {
      await expect(poll({ Data, seq: 8, Code: 0 })).rejects.toMatchObject({ kind: 'unexpected' })
      expect(cursor()).toBe('7')
      await poll({ Data: {}, seq: 7, Code: 0 })
    }
    expect(allCards()).toEqual([])
  })

  it('refuses a negative or non-numeric seq without moving the cursor', async () => {
    await poll({ Data: {}, seq: 7, Code: 0 })
    for (const seq of [-1, '12a', 1.5, null]) {
      await expect(poll({ Data: { '410': [event('z', 'Ringing')] }, seq, Code: 0 })).rejects.toMatchObject({
        kind: 'unexpected',
      })
      expect(cursor()).toBe('7')
      await poll({ Data: {}, seq: 7, Code: 0 })
    }
    expect(allCards()).toEqual([])
  })

  it('anything the server should never send (broken JSON, an HTML page, an error without its shape) keeps the cursor', async () => {
    await poll({ Data: { '410': [event('a', 'Ringing')] }, seq: 7, Code: 0 })
    for (const body of ['{"Data":{"410":[', '<html>Maintenance</html>'])
      await expect(poll(body)).rejects.toMatchObject({
        kind: 'unexpected',
        message: 'The Switchboard server answered something unexpected (not JSON)',
      })
    // No reply queued: the stand-in answers HTTP 500 with a plain text body.
    await expect(fetchOnce()).rejects.toMatchObject({
      kind: 'unexpected',
      message: 'The Switchboard server answered something unexpected (HTTP 500)',
    })
    expect(useFeed.getState()).toMatchObject({
      sync: { step: 'hold', seq: '7', quick: true },
      connection: { phase: 'reconnecting', error: 'The Switchboard server answered something unexpected (HTTP 500)' },
    })
    // Back: asked from the cursor at once (timeOut=0), then held again.
    await poll({ Data: { '410': [event('a', 'Hungup')] }, seq: 9, Code: 0 })
    expect([sent.at(-1)?.get('lastSequenceNumber'), sent.at(-1)?.get('timeOut')]).toEqual(['7', '0'])
    expect(cards('410')).toEqual(['a:Hungup'])
    await poll({ Data: {}, seq: 9, Code: 0 })
    expect([sent.at(-1)?.get('lastSequenceNumber'), sent.at(-1)?.get('timeOut')]).toEqual(['9', '25'])
  })

  it('the server’s feed down: its message on the status line, the cursor kept, a key refusal as the auth phase', async () => {
    await poll({ Data: {}, seq: 7, Code: 0 })
    const down = (reason: string, message: string) => {
      server.use(
        http.post(
          '*/api/pbx/subscribe',
          () =>
            HttpResponse.json(
              { error: 'feed-down', reason, message, retryAt: Date.now() + 60_000 },
              { status: 503, headers: { 'Retry-After': '60' } },
            ),
          { once: true },
        ),
      )
      return fetchOnce()
    }
    await expect(down('unreachable', 'Cannot reach the PBX (ECONNREFUSED)')).rejects.toMatchObject({
      kind: 'feed-down',
      reason: 'unreachable',
    })
    expect(useFeed.getState().connection).toMatchObject({
      phase: 'reconnecting',
      error: 'Cannot reach the PBX (ECONNREFUSED)',
    })
    await expect(down('key-refused', 'The PBX refused the API key: tell your administrator')).rejects.toMatchObject({
      kind: 'feed-down',
    })
    expect(useFeed.getState().connection).toMatchObject({
      phase: 'auth',
      error: 'The PBX refused the API key: tell your administrator',
    })
    // Asked again a second after the server's own next try, not before.
    expect(useFeed.getState().connection.nextRetryAt! - Date.now()).toBeGreaterThan(60_000)
    expect(cursor()).toBe('7')
  })

  it('the server’s seq 0 takes a snapshot, and its Message is the notice when the snapshot lands', async () => {
    await poll({ Data: { '410': [event('a', 'Ringing')] }, seq: 401, Code: 0 })
    await poll({ Data: {}, seq: 0, Code: 0, Message: 'Resynchronised with the PBX: it restarted' })
    expect(useFeed.getState().sync).toEqual({ step: 'snapshot', reason: 'Resynchronised with the PBX: it restarted' })
    await poll({ Data: { '400': [event('n', 'Ringing')] }, seq: 402, Code: 0 })
    expect([sent.at(-1)?.get('lastSequenceNumber'), sent.at(-1)?.get('timeOut')]).toEqual(['0', '0'])
    // The call the server no longer lists has ended (shown as ended, not left ringing).
    expect(useFeed.getState().model.byExt['410'].map((c) => [c.id, c.endedAt !== undefined])).toEqual([['a', true]])
    expect(cards('400')).toEqual(['n:Ringing'])
    expect(useFeed.getState().notice).toBe('Resynchronised with the PBX: it restarted')
  })

  it('waits the PBX minimum poll period from the reply, not from the send: a slow way there cannot bring two polls closer', async () => {
    // Page time only (Date and timers faked; MSW's own tasks run as usual): no load can stretch it.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    // Past the period after the previous test's polls.
    await vi.advanceTimersByTimeAsync(100)
    const arrived: number[] = []
    server.use(
      http.post('*/api/pbx/subscribe', () => {
        arrived.push(Date.now())
        // The reply takes 80 ms to come back.
        vi.setSystemTime(Date.now() + 80)
        return HttpResponse.json({ Data: {}, seq: 3, Code: 0 })
      }),
    )
    await fetchOnce()
    const second = fetchOnce()
    // 100 ms after the send would be 20 ms after the reply: 100 ms after the reply is what counts.
    await vi.advanceTimersByTimeAsync(99)
    expect(arrived).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1)
    await second
    expect(arrived[1] - arrived[0]).toBe(180)
    vi.useRealTimers()
  })

  it('Retry now (twice, at once) drops the held poll for one catch-up, and never two polls are on the wire', async () => {
    const arrived: string[] = []
    let open = 0
    let most = 0
    server.use(
      http.post('*/api/pbx/subscribe', async ({ request }) => {
        const q = new URL(request.url).searchParams
        arrived.push(`${q.get('lastSequenceNumber')}/${q.get('timeOut')}`)
        most = Math.max(most, ++open)
        // A held poll stays held until it is dropped; anything else answers at once.
        if (q.get('timeOut') !== '0')
          await new Promise<void>((r) => request.signal.addEventListener('abort', () => r(), { once: true }))
        open--
        return HttpResponse.json({ Data: {}, seq: 3, Code: 0 })
      }),
    )
    // Updates here come from the network, not from test actions: act() has nothing to wrap.
    ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = false
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    )
    const view = renderHook(() => useCallFeed(EXTS), { wrapper })
    await expect.poll(() => arrived).toEqual(['0/0', '3/25'])
    retryFeed(client)
    retryFeed(client)
    await expect.poll(() => arrived).toEqual(['0/0', '3/25', '3/0', '3/25'])
    // Each Retry now also asked the server to try the PBX at once.
    expect(retries).toBe(2)
    view.unmount()
    await expect.poll(() => open).toBe(0)
    expect(most, 'polls on the wire at once').toBe(1)
  })

  it('applies 1,000 events in one reply, in order, one card per call', async () => {
    const data: Record<string, unknown[]> = { '400': [], '410': [] }
    // 250 calls per extension, each Ringing then Connected: 2 × 2 × 250 = 1,000 events.
    for (const ext of EXTS)
      for (let i = 0; i < 250; i++) data[ext].push(event(`${ext}-${i}`, 'Ringing'), event(`${ext}-${i}`, 'Connected'))
    // How fast is `npm run bench`'s business; this is about the result.
    await poll({ Data: data, seq: 1000, Code: 0 })
    for (const ext of EXTS) {
      const list = useFeed.getState().model.byExt[ext]
      expect(list).toHaveLength(250)
      expect(new Set(list.map((c) => c.id)).size).toBe(250)
      expect(list.every((c) => c.status === 'Connected')).toBe(true)
      expect(list[0].id).toBe(`${ext}-0`)
    }
  })
})

describe('replayed events never create a second card', () => {
  it('the same reply twice leaves one card per call', async () => {
    const reply = { Data: { '410': [event('a', 'Ringing')], 'SIP/410': [event('a', 'Ringing')] }, seq: 4, Code: 0 }
    await poll(reply)
    await poll(reply)
    expect(cards('410')).toEqual(['a:Ringing'])
  })

  it('a call rung again after it ended, in an event numbered after the end, is one card, ringing again', async () => {
    const numbered = (callId: number, id: string, status: string) => ({ ...event(id, status), CallID: callId })
    await poll({ Data: { '410': [numbered(1, 'a', 'Ringing')] }, seq: 2, Code: 0 })
    await poll({ Data: { '410': [numbered(2, 'a', 'No Answer')] }, seq: 3, Code: 0 })
    // An old Ringing replayed under a new seq (CallID 1) does not bring it back.
    await poll({ Data: { '410': [numbered(1, 'a', 'Ringing')] }, seq: 4, Code: 0 })
    expect(cards('410')).toEqual(['a:No Answer'])
    await poll({ Data: { '410': [numbered(4, 'a', 'Ringing'), numbered(5, 'b', 'Ringing')] }, seq: 6, Code: 0 })
    expect(cards('410')).toEqual(['a:Ringing', 'b:Ringing'])
  })
})
