// @vitest-environment node
// Every transition of the upstream (step) and the request each state makes (requestFor), as a table: no I/O,
// no timers.
import { describe, expect, it } from 'vitest'
import type { PbxEvent } from '../types.ts'
import {
  initialState,
  KEY_RETRY_MS,
  requestFor,
  step,
  type Sent,
  type StepContext,
  type UpstreamInput,
  type UpstreamState,
} from './upstream.ts'

const NOW = 1_000_000
const RECONCILE = 60_000
const ev = (id: string, status = 'Ringing'): PbxEvent => ({ CallData: { uniqueCallId: id, status, callerId: '0400' } })
/** The log's state: 410 has call `old` ringing. */
const state = new Map([['410', new Map([['old', { ev: ev('old') }]])]])
const ctx: StepContext = { stateOf: (ext) => state.get(ext), reconcileMs: RECONCILE, random: () => 0 }

const base: UpstreamState = {
  ...initialState({ cursor: '50', list: '400,410', newLog: false, now: NOW, reconcileMs: RECONCILE }),
  mode: { mode: 'hold' },
}
const sent = (
  as: Sent['as'],
  cursor = as === 'hold' || as === 'catch-up' ? '50' : '0',
  timeOut = as === 'hold' ? 25 : 0,
): Sent => ({
  as,
  cursor,
  timeOut,
  list: '400,410',
  at: NOW - 25_000,
})
const reply = (s: Sent, seq: number, data: Record<string, PbxEvent[]> = {}, at = NOW): UpstreamInput => ({
  kind: 'reply',
  sent: s,
  raw: { Code: 0, seq, Data: data },
  now: at,
})

interface Row {
  name: string
  from?: Partial<UpstreamState>
  input: UpstreamInput
  mode?: string
  cursor?: string | null
  checkDue?: UpstreamState['checkDue']
  /** The write's kind and, for events, `ext:id:status` of each. */
  write?: string | null
  reason?: string
  request?: string
}

const rows: Row[] = [
  {
    name: 'a first snapshot starts a new log',
    from: { mode: { mode: 'snapshot', adopt: true }, cursor: null, newLog: true },
    input: reply(sent('adopt'), 7, { '410': [ev('a')] }),
    mode: 'hold',
    cursor: '7',
    write: 'new-log 410:a:Ringing',
  },
  {
    name: 'an adopted snapshot (new list, refused cursor, known restart) is diffed in: a call gone ends',
    from: { mode: { mode: 'snapshot', adopt: true } },
    input: reply(sent('adopt'), 3, { '400': [ev('b')] }),
    mode: 'hold',
    cursor: '3',
    write: 'events 400:b:Ringing 410:old:Hungup',
  },
  {
    name: 'a held reply with events: written, cursor moved',
    input: reply(sent('hold'), 52, { '410': [ev('old', 'Connected')] }),
    mode: 'hold',
    cursor: '52',
    write: 'events 410:old:Connected',
    checkDue: null,
  },
  {
    name: 'a held poll ending empty at its timeOut: nothing to write, no sign',
    input: reply(sent('hold'), 50),
    mode: 'hold',
    cursor: '50',
    write: null,
    checkDue: null,
  },
  {
    name: 'a held poll back early, empty, seq at the cursor: a sign, a check next',
    input: reply({ ...sent('hold'), at: NOW - 2_000 }, 50),
    checkDue: 'empty-early',
    request: 'check',
  },
  {
    name: 'a lower seq: the PBX restarted, an adopted snapshot next',
    input: reply(sent('hold'), 4, { '410': [ev('x')] }),
    mode: 'snapshot',
    cursor: '50',
    write: null,
    request: 'adopt',
  },
  {
    name: 'an event for a call the log never saw ring: written, and a check next',
    input: reply(sent('hold'), 53, { '400': [ev('ghost', 'Connected')] }),
    cursor: '53',
    write: 'events 400:ghost:Connected',
    checkDue: 'unseen-call',
    request: 'check',
  },
  {
    name: 'a call that rang and ended in one reply is no sign',
    input: reply(sent('hold'), 53, { '400': [ev('quick'), ev('quick', 'Hungup')] }),
    checkDue: null,
    request: 'hold',
  },
  {
    name: 'a reply repeating our seq with events: a replay, ignored',
    input: reply(sent('hold'), 50, { '410': [ev('old', 'Connected')] }),
    cursor: '50',
    write: null,
  },
  {
    name: 'the PBX closed our connection between two polls: a check before the next',
    input: { kind: 'closed' },
    checkDue: 'closed',
    request: 'check',
  },
  {
    name: 'closed while waiting out a failure: the wait already ends in a check',
    from: { mode: { mode: 'backoff', until: NOW + 5000, then: { mode: 'snapshot', adopt: false } } },
    input: { kind: 'closed' },
    checkDue: null,
    request: 'wait',
  },
  {
    name: 'a check at our cursor: its snapshot diffed in at once (a call the log missed ending)',
    from: { checkDue: 'closed' },
    input: reply(sent('check'), 50, {}),
    mode: 'hold',
    cursor: '50',
    write: 'events 410:old:Hungup',
    checkDue: null,
  },
  {
    name: 'a check below our cursor: a restart, its snapshot adopted and diffed in',
    input: reply(sent('check'), 9, { '420': [ev('new')] }),
    mode: 'hold',
    cursor: '9',
    write: 'events 410:old:Hungup',
  },
  {
    name: 'a check above our cursor: a catch-up to it first',
    input: reply(sent('check'), 60, { '400': [ev('missed')] }),
    mode: 'catch-up',
    cursor: '50',
    write: null,
    request: 'catch-up',
  },
  {
    name: "the check's catch-up: its events, then the snapshot's difference on legs they did not touch",
    from: {
      mode: {
        mode: 'catch-up',
        check: [
          { ext: '400', ev: ev('missed') },
          { ext: '410', ev: ev('old') },
        ],
      },
    },
    input: reply(sent('catch-up'), 60, { '410': [ev('old', 'Connected')] }),
    mode: 'hold',
    cursor: '60',
    write: 'events 410:old:Connected 400:missed:Ringing',
  },
  {
    name: 'the PBX unreachable: unreachable told, a backoff, then a check',
    input: { kind: 'error', sent: sent('hold'), error: { kind: 'network', message: 'socket hang up' }, now: NOW },
    mode: 'backoff',
    write: 'failure unreachable',
    checkDue: 'fault',
    request: 'wait',
  },
  {
    name: 'the key refused (Code -1): retried a minute later',
    input: {
      kind: 'reply',
      sent: sent('hold'),
      raw: { Code: -1, Message: 'Authentication failed: invalid apiKey' },
      now: NOW,
    },
    mode: 'backoff',
    write: 'failure key-refused',
  },
  {
    name: 'the key refused (HTTP 401)',
    input: { kind: 'error', sent: sent('hold'), error: { kind: 'http', status: 401, message: 'HTTP 401' }, now: NOW },
    write: 'failure key-refused',
  },
  {
    name: 'a reply that is not a subscribe reply: pbx-error',
    input: { kind: 'reply', sent: sent('hold'), raw: { Code: 0, data: [] }, now: NOW },
    write: 'failure pbx-error',
  },
  {
    name: 'a second refusal in a row (negative Code): the cursor given up for an adopted snapshot',
    from: { refusals: 1, failures: 1 },
    input: {
      kind: 'reply',
      sent: sent('catch-up'),
      raw: { Code: -2, Message: 'Unknown lastSequenceNumber' },
      now: NOW,
    },
    write: 'failure pbx-error',
    mode: 'backoff',
  },
  {
    name: 'a backoff waited out: its next request',
    from: { mode: { mode: 'backoff', until: NOW, then: { mode: 'snapshot', adopt: false } }, checkDue: 'fault' },
    input: { kind: 'waited', now: NOW },
    mode: 'snapshot',
    request: 'check',
  },
  {
    name: 'Retry now while waiting: the wait ends a second after the last try',
    from: {
      mode: { mode: 'backoff', until: NOW + KEY_RETRY_MS, then: { mode: 'snapshot', adopt: false } },
      lastTry: NOW - 300,
    },
    input: { kind: 'retry', now: NOW },
    mode: 'backoff',
    request: `wait ${NOW + 700}`,
  },
  {
    name: 'Retry now while live: nothing',
    input: { kind: 'retry', now: NOW },
    mode: 'hold',
    request: 'hold',
  },
  {
    name: 'a new extension list: an adopted snapshot for it',
    input: { kind: 'list', list: '400,410,420', now: NOW },
    mode: 'snapshot',
    request: 'adopt',
  },
  {
    name: 'a new list while waiting out a failure: the wait ends in its snapshot',
    from: { mode: { mode: 'backoff', until: NOW, then: { mode: 'snapshot', adopt: false } } },
    input: { kind: 'list', list: '400', now: NOW },
    request: 'wait',
  },
  {
    name: 'a write refused (the store holds another cursor): continue from it, after a second, with a check',
    input: { kind: 'write-failed', stored: '52', now: NOW },
    mode: 'backoff',
    cursor: '52',
    checkDue: 'fault',
    request: `wait ${NOW + 1000}`,
  },
]

const describeWrite = (r: ReturnType<typeof step>) => {
  const w = r.write
  if (!w) return null
  if (w.kind === 'failure') return `failure ${w.down.reason}`
  const evs = w.kind === 'new-log' ? w.state : w.events
  return [w.kind, ...evs.map((e) => `${e.ext}:${e.ev.CallData.uniqueCallId}:${e.ev.CallData.status}`)].join(' ')
}
const describeRequest = (st: UpstreamState, now: number) => {
  const r = requestFor(st, now)
  return r.kind === 'wait' ? `wait ${r.until}` : r.sent.as
}

describe('upstream step: every transition', () => {
  for (const row of rows)
    it(row.name, () => {
      const from = { ...base, ...row.from }
      const r = step(from, row.input, ctx)
      if (row.mode !== undefined) expect(r.state.mode.mode).toBe(row.mode)
      if (row.cursor !== undefined) expect(r.state.cursor).toBe(row.cursor)
      if (row.checkDue !== undefined) expect(r.state.checkDue).toBe(row.checkDue)
      if (row.write !== undefined) expect(describeWrite(r)).toBe(row.write)
      if (row.request !== undefined) {
        const d = describeRequest(r.state, NOW)
        expect(row.request.startsWith('wait ') ? d : d.split(' ')[0]).toBe(row.request)
      }
    })

  it('a second refusal in a row leads to an adopted snapshot; a key refusal waits a minute, others a backoff', () => {
    const refused = step({ ...base, refusals: 1 }, rows[19].input, ctx).state
    expect(refused.mode).toMatchObject({ mode: 'backoff', then: { mode: 'snapshot', adopt: true } })
    const key = step(base, rows[16].input, ctx)
    expect(key.state.mode).toMatchObject({ until: NOW + KEY_RETRY_MS })
    expect(key.write).toMatchObject({ down: { retryAt: NOW + KEY_RETRY_MS } })
    expect(JSON.stringify(key.write)).not.toMatch(/invalid apiKey/)
  })

  it('requests: no cursor adopts; a stored cursor checks first; a hold never outlasts the next reconcile', () => {
    expect(
      describeRequest(initialState({ cursor: null, list: '', newLog: true, now: NOW, reconcileMs: RECONCILE }), NOW),
    ).toBe('adopt')
    expect(
      describeRequest(initialState({ cursor: '9', list: '400', newLog: false, now: NOW, reconcileMs: RECONCILE }), NOW),
    ).toBe('check')
    const hold = requestFor({ ...base, reconcileAt: NOW + 7_500 }, NOW)
    expect(hold.kind === 'subscribe' && [hold.sent.as, hold.sent.timeOut]).toEqual(['hold', 8])
    expect(describeRequest({ ...base, reconcileAt: NOW }, NOW), 'the interval: a check').toBe('check')
    const checked = step(base, reply(sent('check'), 50), ctx).state
    expect(checked.reconcileAt).toBe(NOW + RECONCILE)
  })
})
