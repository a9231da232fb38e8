// @vitest-environment node
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startSimServer } from '../../sim/sim-server.ts'
import type { PbxMethod } from '../types.ts'
import { createPbxClient, PbxCallError, scrubber } from './pbx-client.ts'

const KEY = 'k3y/with+odd=chars&more'
type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void
let handler: Handler
const seen: { method: string; url: string; headers: http.IncomingHttpHeaders }[] = []
let server: http.Server
let url: string

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers })
    handler(req, res)
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/base`
})
afterAll(() => new Promise((r) => server.close(r)))
beforeEach(() => {
  seen.length = 0
  handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"Code":0,"Message":"ok"}')
})

const pbx = () => createPbxClient({ url, apiKey: KEY })
const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(PbxCallError)
  return e as PbxCallError
}

describe('the PBX client', () => {
  it('POSTs the allowed parameters in the query string, URL-encoded, with the key added', async () => {
    const reply = await pbx()('dial', { number: '0299 & x', extenOrUniqueId: 'SIP/400', callerId: '400' })
    expect(reply).toEqual({ Code: 0, Message: 'ok' })
    expect(seen[0].method).toBe('POST')
    const u = new URL(seen[0].url, 'http://x')
    expect(u.pathname).toBe('/base/servicemanager/rest/CallManagementAPI/dial')
    expect(Object.fromEntries(u.searchParams)).toEqual({
      number: '0299 & x',
      extenOrUniqueId: 'SIP/400',
      callerId: '400',
      apiKey: KEY,
    })
    expect(seen[0].headers.cookie).toBeUndefined()
  })

  it('refuses a method or a parameter not on the allow-list, and sends nothing', async () => {
    await expect(pbx()('../admin/users' as PbxMethod, {})).rejects.toThrow(TypeError)
    await expect(pbx()('toString' as PbxMethod, {})).rejects.toThrow(TypeError)
    await expect(pbx()('hangup', { extenOrUniqueId: '1', apiKey: 'x' })).rejects.toThrow(/no parameter apiKey/)
    await expect(pbx()('answer', { uniqueId: 'a\r\nX: y' })).rejects.toThrow(TypeError)
    expect(seen).toHaveLength(0)
  })

  it('takes a subscribe for a thousand extensions (a long exten list), not other long values', async () => {
    const exten = Array.from({ length: 1000 }, (_, i) => String(3000 + i)).join(',')
    await expect(pbx()('subscribe', { exten, lastSequenceNumber: '0', timeOut: '0' })).resolves.toMatchObject({
      Code: 0,
    })
    await expect(pbx()('hangup', { extenOrUniqueId: exten })).rejects.toThrow(TypeError)
  })

  it('resolves a negative Code as a reply, not a failure', async () => {
    handler = (_q, res) => res.end('{"Code":-1,"Message":"No channel"}')
    await expect(pbx()('hangup', { extenOrUniqueId: '1.2' })).resolves.toEqual({ Code: -1, Message: 'No channel' })
  })

  it('never follows a redirect, and its Location (holding the key) goes nowhere', async () => {
    handler = (req, res) => res.writeHead(301, { Location: `https://elsewhere${req.url}` }).end()
    const e = await failure(pbx()('answer', { uniqueId: '1', exten: '400', answerString: 'x' }))
    expect(e.kind).toBe('redirect')
    expect(e.status).toBe(301)
    expect(JSON.stringify({ ...e, m: e.message })).not.toContain('k3y')
    expect(seen).toHaveLength(1)
  })

  it('turns an HTTP error and an HTML page into typed errors with the key scrubbed from any echo', async () => {
    handler = (req, res) => res.writeHead(500, { 'Content-Type': 'text/html' }).end(`<h1>Error at ${req.url}</h1>`)
    const e = await failure(pbx()('hangup', { extenOrUniqueId: '1' }))
    expect([e.kind, e.status, e.message]).toEqual(['http', 500, 'The PBX answered HTTP 500'])
    handler = (req, res) =>
      res.end(`{"Code":-3,"Message":"bad request ${decodeURIComponent(req.url ?? '')} ${req.url}"}`)
    const r = await pbx()('hangup', { extenOrUniqueId: '1' })
    expect(JSON.stringify(r)).not.toContain('k3y')
    expect(JSON.stringify(r)).toContain('[redacted]')
    handler = (_q, res) => res.end('<html>maintenance</html>')
    expect((await failure(pbx()('hangup', { extenOrUniqueId: '1' }))).kind).toBe('not-json')
    handler = (_q, res) => res.end('{"no":"code"}')
    expect((await failure(pbx()('hangup', { extenOrUniqueId: '1' }))).message).toBe('The PBX reply has no Code field')
  })

  it('keeps the HTTP error Code and Message the PBX sent as JSON', async () => {
    handler = (_q, res) => res.writeHead(403).end('{"Code":-1,"Message":"invalid apiKey"}')
    const e = await failure(pbx()('hangup', { extenOrUniqueId: '1' }))
    expect([e.status, e.code, e.pbxMessage]).toEqual([403, -1, 'invalid apiKey'])
  })

  it('reports an unreachable PBX by errno, a slow one by timeout, a cancelled call as aborted', async () => {
    const dead = createPbxClient({ url: 'http://127.0.0.1:1', apiKey: KEY })
    const e = await failure(dead('hangup', { extenOrUniqueId: '1' }))
    expect([e.kind, e.errno]).toEqual(['network', 'ECONNREFUSED'])
    handler = () => undefined
    expect((await failure(pbx()('subscribe', { exten: '1' }, { timeoutMs: 50 }))).kind).toBe('timeout')
    const ac = new AbortController()
    const p = pbx()('subscribe', { exten: '1' }, { signal: ac.signal })
    setTimeout(() => ac.abort(), 20)
    expect((await failure(p)).kind).toBe('aborted')
  })

  it('scrubs the key in every form an echo may take', () => {
    const s = scrubber(KEY)
    expect(s(`a ${KEY} b ${encodeURIComponent(KEY)} apikey=zzz`)).toBe('a [redacted] b [redacted] apikey=[redacted]')
  })
})

describe('the PBX client and a restarting PBX (the simulator over HTTP)', () => {
  it('closes every PBX connection, idle ones too: the real PBX client hears of it between two polls', async () => {
    // Its own server: the controls' connections (fetch's pool) never carry a PBX request, so none is closed.
    const own = await startSimServer({ apiKey: 'restart-key', demo: false })
    const ctl = (action: string, body: unknown = {}) =>
      fetch(`${own.url}/__sim/${action}`, { method: 'POST', body: JSON.stringify(body) }).then(
        (r) => r.json() as Promise<Record<string, unknown>>,
      )
    try {
      const call = createPbxClient({ url: own.url, apiKey: 'restart-key' })
      let closed = 0
      call.onClose?.(() => closed++)
      expect((await call('subscribe', { exten: '410', lastSequenceNumber: '0', timeOut: '0' })).Code).toBe(0)
      // No request in flight: the kept-alive connection sits idle in the client's pool.
      await ctl('restart', { echoCursor: true })
      await expect.poll(() => closed).toBeGreaterThan(0)
      const seen = closed
      // The next poll goes out on a new connection; our own abort of a held poll is not the PBX closing.
      const ac = new AbortController()
      const held = call('subscribe', { exten: '410', lastSequenceNumber: '0', timeOut: '25' }, { signal: ac.signal })
      await expect.poll(async () => (await ctl('state', { exts: ['410'] })).heldPolls).toBe(1)
      ac.abort()
      await expect(held).rejects.toMatchObject({ kind: 'aborted' })
      expect(closed).toBe(seen)
    } finally {
      await own.close()
    }
  })
})
