// The PBX simulator behind `fetch` for unit tests: MSW answers the panel's `/api/pbx/<method>` requests
// from one PbxSimulator, adding the API key as the Switchboard server does (a stand-in for it: rights and
// the server's own feed are tested in server/).
// jsdom's fetch needs absolute URLs; vitest's jsdom environment gives the page http://localhost:3000/,
// so the client's relative `/api/pbx/...` URLs resolve against it.
import { http, HttpResponse } from 'msw'
import { setupServer, type SetupServer } from 'msw/node'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { PbxSimulator, type SimOptions, type SimReply } from '../../sim/pbx-simulator.ts'
import { LOCAL_DEVELOPER, sessionHandlers, type FakeAccounts } from './session.ts'

/** Any origin, any HTTP method: the simulator itself answers a GET with 405. */
const API_ROUTE = '*/api/pbx/:method'

function untilAborted(signal: AbortSignal): Promise<Response> {
  // A reply that never comes: settle only when the client gives up, so no test leaks a promise.
  return new Promise((resolve) => {
    const done = () => resolve(HttpResponse.error())
    if (signal.aborted) done()
    else signal.addEventListener('abort', done, { once: true })
  })
}

function toResponse(reply: SimReply, signal: AbortSignal): Response | Promise<Response> {
  switch (reply.kind) {
    case 'http':
      return new HttpResponse(reply.body, { status: reply.status, headers: { 'Content-Type': reply.contentType } })
    case 'reset':
      return HttpResponse.error()
    case 'hang':
      return untilAborted(signal)
  }
}

/** MSW handlers that put `sim` behind fetch; `proxyKey` is the key the server is configured with. */
export function pbxHandlers(sim: PbxSimulator, proxyKey = sim.apiKey) {
  return [
    http.all(API_ROUTE, async ({ request, params }) => {
      const url = new URL(request.url)
      // The browser never sends the key; the server drops any it sent and adds its own, so this stand-in does too.
      const query = new URLSearchParams(url.search)
      for (const k of [...query.keys()]) if (k.toLowerCase() === 'apikey') query.delete(k)
      query.set('apiKey', proxyKey)
      const reply = await sim.handle(request.method, String(params.method), query, request.signal)
      return toResponse(reply, request.signal)
    }),
  ]
}

export interface TestPbx {
  sim: PbxSimulator
  server: SetupServer
}

/** A fresh simulator and an MSW server for it (not listening yet). Change `sim.apiKey` to make the PBX refuse the key. */
export function createTestPbx(options: SimOptions = {}): TestPbx {
  const sim = new PbxSimulator({ answerDelayMs: 20, ...options })
  // Signed in as the local developer, as `npm run dev` with no accounts is.
  const accounts: FakeAccounts = { users: {}, current: LOCAL_DEVELOPER }
  return { sim, server: setupServer(...pbxHandlers(sim), ...sessionHandlers(accounts)) }
}

/** createTestPbx plus the usual lifecycle: listen for the file, reset sim and handlers after each test. */
export function setupTestPbx(options: SimOptions = {}): TestPbx {
  const pbx = createTestPbx(options)
  const apiKey = pbx.sim.apiKey
  beforeAll(() => pbx.server.listen({ onUnhandledRequest: 'error' }))
  afterEach(() => {
    pbx.server.resetHandlers()
    pbx.sim.reset()
    pbx.sim.apiKey = apiKey
  })
  afterAll(() => pbx.server.close())
  return pbx
}
