// @vitest-environment node
// The records API through the app: who may read what (401, 403, 400), and the shapes the panel reads.
import type { FastifyInstance } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'
import { testDatabases } from '../db/testing/databases.ts'
import type { LogEvent } from '../feed/event-log.ts'
import { panel, testApp, testConfig } from '../test-helpers.ts'
import { createRecords, type Records } from './records.ts'

const dbs = testDatabases()
let apps: FastifyInstance[] = []
afterEach(async () => {
  await Promise.all(apps.map((a) => a.close()))
  apps = []
})
const ev = (ext: string, id: string, status: string): LogEvent => ({
  ext,
  ev: { CallData: { uniqueCallId: id, status, callerId: '0299990000', inbound: true } },
})

async function setup(withRecords = true) {
  let records: Records | undefined
  if (withRecords) {
    records = createRecords(await dbs.open('sqlite'), testConfig().records)
    // 400: one answered; 410: one missed; 420 (nobody's here but the local developer) one missed.
    await records.recordEvents([ev('400', 'a', 'Ringing'), ev('410', 'b', 'Ringing'), ev('420', 'c', 'Ringing')])
    await records.recordEvents([ev('400', 'a', 'Connected'), ev('410', 'b', 'Hungup'), ev('420', 'c', 'Hungup')])
    await records.recordEvents([ev('400', 'a', 'Hungup')])
  }
  const t = await testApp({ deps: records ? { records } : {} })
  apps.push(t.app)
  const get = (url: string, who?: string) => t.app.inject({ method: 'GET', url, headers: panel(who) })
  return { ...t, get, records }
}

describe('records API', () => {
  it('history: the calls on the user’s own (act) extensions only', async () => {
    const { get } = await setup()
    const alice = await get('/api/history', 'alice') // acts on 400, watches 410 too
    expect(alice.statusCode).toBe(200)
    expect(alice.json().calls).toEqual([
      expect.objectContaining({ uniqueCallId: 'a', extension: '400', outcome: 'answered', direction: 'in' }),
    ])
    expect((await get('/api/history', 'nobody')).json()).toEqual({ calls: [] })
    expect((await get('/api/history?limit=1', 'bob')).json().calls).toHaveLength(1)
    for (const bad of ['0', '501', 'x', '1.5'])
      expect((await get(`/api/history?limit=${bad}`, 'alice')).json()).toMatchObject({ error: 'bad-request' })
  })

  it('reports and the CSV: supervisors only (403 for anyone else), rows for what they may watch', async () => {
    const { get, records } = await setup()
    for (const url of ['/api/reports', '/api/reports/calls.csv']) {
      const r = await get(url, 'alice')
      expect([r.statusCode, r.json().error]).toEqual([403, 'forbidden'])
      expect((await get(url)).statusCode).toBe(401)
    }
    const r = await get('/api/reports', 'sue')
    expect(r.statusCode).toBe(200)
    const body = r.json()
    expect(body).toMatchObject({ from: records!.today(), to: records!.today(), serviceLevelS: 20 })
    expect(
      body.rows.map((x: { extension: string; offered: number; answered: number; missed: number }) => [
        x.extension,
        x.offered,
        x.answered,
        x.missed,
      ]),
    ).toEqual([
      ['400', 1, 1, 0],
      ['410', 1, 0, 1],
    ])
    const csv = await get('/api/reports/calls.csv', 'sue')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toMatch(/^text\/csv/)
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="switchboard-calls-\d{4}-\d\d-\d\d-to-/)
    const lines = csv.body.split('\r\n').filter(Boolean)
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(['"a"', '"b"'])
  })

  it('reports refuse a bad range with 400', async () => {
    const { get } = await setup()
    for (const q of [
      'from=2026-13-01',
      'from=2026-02-30',
      'from=2026-12-08&to=2026-12-07',
      'from=2025-01-01&to=2026-12-07',
      'from=x',
    ])
      for (const url of [`/api/reports?${q}`, `/api/reports/calls.csv?${q}`]) {
        const r = await get(url, 'sue')
        expect(`${url} → ${r.statusCode} ${r.json().error}`).toBe(`${url} → 400 bad-request`)
      }
    expect((await get('/api/reports?from=2025-12-07&to=2026-12-07', 'sue')).statusCode).toBe(200)
  })

  it('today’s figures for the extensions the user may watch', async () => {
    const { get, records } = await setup()
    expect((await get('/api/figures/today', 'alice')).json()).toEqual({
      date: records!.today(),
      figures: { '400': { answered: 1, missed: 0 }, '410': { answered: 0, missed: 1 } },
    })
    expect((await get('/api/figures/today', 'nobody')).json().figures).toEqual({})
    expect((await get('/api/figures/today')).statusCode).toBe(401)
  })

  it('without a database: 503 with the error shape, after the rights check', async () => {
    const { get } = await setup(false)
    expect((await get('/api/history', 'alice')).json()).toMatchObject({ error: 'unavailable' })
    expect((await get('/api/reports', 'alice')).statusCode).toBe(403)
  })

  it('every audited action is a row too; an answer that worked names who answered', async () => {
    const { app, records, feed, get } = await setup()
    feed.ring('r1', '400')
    await records!.recordEvents([ev('400', 'r1', 'Ringing')])
    const url = '/api/pbx/answer?uniqueId=r1&exten=400&answerString=Call-info:answer-after=0'
    expect((await app.inject({ method: 'POST', url, headers: panel('alice') })).statusCode).toBe(200)
    await app.inject({
      method: 'POST',
      url: '/api/pbx/dial?number=0299998888&extenOrUniqueId=SIP/410',
      headers: panel('alice'),
    })
    const db = records!.database.db
    await expect
      .poll(() =>
        db.selectFrom('audit_log').select(['user_name', 'action', 'outcome', 'what']).orderBy('action').execute(),
      )
      .toEqual([
        { user_name: 'alice', action: 'answer', outcome: 'ok', what: 'ext 400, call r1' },
        { user_name: 'alice', action: 'dial', outcome: 'refused', what: 'ext 410, number 0299998888' },
      ])
    expect(
      (await get('/api/history', 'alice')).json().calls.find((c: { uniqueCallId: string }) => c.uniqueCallId === 'r1'),
    ).toMatchObject({ answeredBy: 'alice' })
  })
})
