// @vitest-environment node
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSimServer, type SimServer } from './sim-server.ts'

const KEY = 'sim-server-test-key'
let server: SimServer
const api = (method: string, query: string) =>
  `${server.url}/servicemanager/rest/CallManagementAPI/${method}?${query}&apiKey=${KEY}`
const control = async (action: string, body: unknown = {}) => {
  const res = await fetch(`${server.url}/__sim/${action}`, { method: 'POST', body: JSON.stringify(body) })
  return (await res.json()) as Record<string, unknown>
}

beforeAll(async () => {
  server = await startSimServer({ apiKey: KEY, demo: false })
})
afterAll(() => server.close())

describe('sim-server over real HTTP', () => {
  it('answers a snapshot as JSON, not cached', async () => {
    await control('reset')
    await control('ring', { ext: '410', callerId: '0411', uniqueCallId: 'u1' })
    const res = await fetch(api('subscribe', 'exten=410&lastSequenceNumber=0&timeOut=0'), { method: 'POST' })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const body = (await res.json()) as { Data: Record<string, { CallData: { uniqueCallId: string } }[]>; seq: number }
    expect(body.Data['410'][0].CallData.uniqueCallId).toBe('u1')
    expect(body.seq).toBe(1)
  })

  it('stops holding a poll when its client disconnects', async () => {
    await control('reset')
    const ac = new AbortController()
    const held = fetch(api('subscribe', 'exten=410&lastSequenceNumber=0&timeOut=25'), {
      method: 'POST',
      signal: ac.signal,
    })
    await expect.poll(async () => (await control('state', { exts: ['410'] })).heldPolls).toBe(1)
    ac.abort()
    await expect(held).rejects.toThrow()
    await expect.poll(async () => (await control('state', { exts: ['410'] })).heldPolls).toBe(0)
  })

  it('cuts the connection mid-body for a reset fault', async () => {
    await control('reset')
    await control('fault', { faults: [{ kind: 'reset' }] })
    const res = await fetch(api('subscribe', 'exten=410&lastSequenceNumber=0&timeOut=0'), { method: 'POST' })
    await expect(res.text()).rejects.toThrow()
  })

  it('refuses a wrong key in the chosen style and never echoes the key in its request log', async () => {
    await control('reset')
    await control('auth', { reject: true, style: 'http401' })
    const res = await fetch(api('subscribe', 'exten=410&lastSequenceNumber=0&timeOut=0'), { method: 'POST' })
    expect(res.status).toBe(401)
    await control('auth', { reject: false })
    await fetch(api('subscribe', 'exten=410&lastSequenceNumber=0&timeOut=0'), { method: 'POST' })
    const { requests } = (await control('requests')) as { requests: { params: Record<string, string> }[] }
    expect(requests.map((r) => r.params.apiKey)).toEqual(['<valid>', '<valid>'])
    expect(JSON.stringify(requests)).not.toContain(KEY)
  })

  it('answers GET with 405 and unknown paths with 404', async () => {
    expect((await fetch(api('subscribe', 'exten=410&lastSequenceNumber=0'))).status).toBe(405)
    expect((await fetch(`${server.url}/elsewhere`)).status).toBe(404)
    expect((await fetch(`${server.url}/__sim/no-such-action`, { method: 'POST', body: '{}' })).status).toBe(500)
  })
})
