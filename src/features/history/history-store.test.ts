import type { FeedEvent } from '../pbx/pbx-client.ts'
import { applyEvents, emptyModel } from '../calls/call-model.ts'
import { resetFeedStore, useFeed } from '../calls/feed-store.ts'
import { defaultSettings, useSettings } from '../settings/settings-store.ts'
import {
  addEntries,
  classify,
  HISTORY_LIMIT,
  missedSince,
  sanitizeEntries,
  type HistoryEntry,
} from './history-model.ts'
import { startHistory, useHistory } from './history-store.ts'

const ev = (ext: string, id: string, status: string, more: Partial<FeedEvent['data']> = {}): FeedEvent => ({
  ext,
  data: { uniqueCallId: id, status, callerId: '0298765432', inbound: true, ...more },
})

let now = 1_000_000
function feed(...events: FeedEvent[]) {
  now += 1000
  useFeed.setState((s) => ({ model: applyEvents(s.model, events, now) }))
}

let stop: () => void = () => {}
beforeEach(() => {
  localStorage.clear()
  resetFeedStore()
  useFeed.setState({ model: emptyModel })
  useHistory.setState({ entries: [], missedSeenAt: 0 })
  useSettings.setState({ ...defaultSettings, myExtensions: ['410', 'SIP/420'] })
  stop = startHistory()
})
afterEach(() => stop())

describe('history store', () => {
  it('records answered, missed and outbound calls on my extensions as they end', () => {
    feed(ev('410', 'a', 'Ringing'))
    feed(ev('410', 'a', 'Connected'))
    expect(useHistory.getState().entries).toHaveLength(0)
    feed(ev('410', 'a', 'Hungup'))
    feed(ev('SIP/420', 'b', 'Ringing'), ev('420', 'b', 'No Answer'))
    feed(ev('410', 'c', 'Dialing Out', { inbound: false, callerId: '0755501234', isClickToDialCall: true }))
    const out = { inbound: false, callerId: '0755501234' }
    feed(ev('410', 'c', 'Connected', out))
    feed(ev('410', 'c', 'Hungup', out))
    const entries = useHistory.getState().entries
    expect(entries.map((e) => [e.key, e.kind, e.number])).toEqual([
      ['410|c', 'outbound', '0755501234'],
      ['420|b', 'missed', '0298765432'],
      ['410|a', 'answered', '0298765432'],
    ])
    const answered = entries[2]
    expect(answered.endedAt - answered.connectedAt!).toBe(1000)
    expect(missedSince(entries, 0)).toBe(1)
  })

  it('a queue call missed, then offered again and answered, is one entry: answered', () => {
    const q = (callId: number, status: string) => ({ ...ev('410', 'q', status, { isQueueCall: true }), callId })
    feed(q(1, 'Ringing'))
    feed(q(2, 'No Answer'))
    expect(useHistory.getState().entries.map((e) => [e.key, e.kind])).toEqual([['410|q', 'missed']])
    feed(q(3, 'Ringing'))
    feed(q(4, 'Connected'))
    feed(q(5, 'Hungup'))
    expect(useHistory.getState().entries.map((e) => [e.key, e.kind])).toEqual([['410|q', 'answered']])
    expect(missedSince(useHistory.getState().entries, 0)).toBe(0)
  })

  it('a call answered, then offered again and missed, stays answered, from its first offer', () => {
    const q = (callId: number, status: string) => ({ ...ev('410', 'r', status), callId })
    feed(q(1, 'Ringing'))
    const started = now
    feed(q(2, 'Connected'))
    feed(q(3, 'Hungup'))
    feed(q(4, 'Ringing'))
    feed(q(5, 'No Answer'))
    const [entry] = useHistory.getState().entries
    expect(useHistory.getState().entries).toHaveLength(1)
    expect(entry).toMatchObject({ key: '410|r', kind: 'answered', startedAt: started, endedAt: now })
    expect(entry.connectedAt).toBe(started + 1000)
  })

  it('ignores calls on extensions I only watch', () => {
    feed(ev('400', 'x', 'Ringing'))
    feed(ev('400', 'x', 'Hungup'))
    expect(useHistory.getState().entries).toHaveLength(0)
  })

  it('records a call once however often the feed changes after it ended', () => {
    feed(ev('410', 'a', 'Ringing'))
    feed(ev('410', 'a', 'Busy'))
    feed(ev('400', 'y', 'Ringing'))
    feed(ev('410', 'a', 'Hungup'))
    expect(useHistory.getState().entries.map((e) => e.key)).toEqual(['410|a'])
  })

  it('persists to localStorage and counts missed calls after "seen"', () => {
    feed(ev('410', 'a', 'Ringing'))
    feed(ev('410', 'a', 'Hungup'))
    const stored = JSON.parse(localStorage.getItem('switchboard.history')!) as { state: { entries: HistoryEntry[] } }
    expect(stored.state.entries[0]).toMatchObject({ key: '410|a', kind: 'missed' })
    useHistory.getState().missedSeen(now)
    expect(missedSince(useHistory.getState().entries, useHistory.getState().missedSeenAt)).toBe(0)
    feed(ev('410', 'b', 'Ringing'))
    feed(ev('410', 'b', 'Hungup'))
    expect(missedSince(useHistory.getState().entries, useHistory.getState().missedSeenAt)).toBe(1)
  })

  it('rehydrates as a union with what this tab holds, dropping malformed entries', async () => {
    feed(ev('410', 'a', 'Ringing'))
    feed(ev('410', 'a', 'Hungup'))
    const other: HistoryEntry = {
      key: '420|z',
      ext: '420',
      id: 'z',
      number: '1',
      kind: 'answered',
      startedAt: 1,
      connectedAt: 2,
      endedAt: 3,
    }
    localStorage.setItem(
      'switchboard.history',
      JSON.stringify({ state: { entries: [other, { key: 42 }, 'junk'], missedSeenAt: 5 }, version: 1 }),
    )
    await useHistory.persist.rehydrate()
    expect(useHistory.getState().entries.map((e) => e.key)).toEqual(['410|a', '420|z'])
    expect(useHistory.getState().missedSeenAt).toBe(5)
  })

  it('forgets what this tab holds when another tab removes the history (its Sign out), not writing it back', () => {
    feed(ev('410', 'a', 'Ringing'))
    feed(ev('410', 'a', 'Hungup'))
    expect(useHistory.getState().entries).toHaveLength(1)
    localStorage.removeItem('switchboard.history')
    window.dispatchEvent(new StorageEvent('storage', { key: 'switchboard.history', newValue: null }))
    expect(useHistory.getState().entries).toEqual([])
    expect(localStorage.getItem('switchboard.history')).toBeNull()
  })
})

describe('history model', () => {
  it('classifies by direction, then by whether it connected', () => {
    expect(classify({ inbound: false, isClickToDialCall: false })).toBe('outbound')
    expect(classify({ inbound: true, isClickToDialCall: true, connectedAt: 1 })).toBe('outbound')
    expect(classify({ inbound: true, isClickToDialCall: false, connectedAt: 1 })).toBe('answered')
    expect(classify({ inbound: true, isClickToDialCall: false })).toBe('missed')
    expect(classify({ inbound: undefined, isClickToDialCall: false })).toBe('missed')
  })

  it('keeps the newest 500, one per extension and call', () => {
    const mk = (i: number, ext = '410'): HistoryEntry => ({
      key: `${ext}|${i}`,
      ext,
      id: String(i),
      number: '1',
      kind: 'missed',
      startedAt: i,
      endedAt: i,
    })
    let entries: readonly HistoryEntry[] = []
    for (let i = 0; i < 600; i++) entries = addEntries(entries, [mk(i)])
    expect(entries).toHaveLength(HISTORY_LIMIT)
    expect(entries[0].key).toBe('410|599')
    expect(entries.at(-1)!.key).toBe('410|100')
    expect(addEntries(entries, [mk(599)])).toBe(entries)
    expect(addEntries(entries, [mk(599, '420')])[0].key).toBe('420|599')
  })

  it('sanitizes storage', () => {
    expect(sanitizeEntries('nope')).toEqual([])
    expect(
      sanitizeEntries([{ key: 'a', ext: '1', id: 'a', number: '', kind: 'weird', startedAt: 1, endedAt: 2 }]),
    ).toEqual([])
  })
})
