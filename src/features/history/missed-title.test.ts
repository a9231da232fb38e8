import { afterEach, describe, expect, it } from 'vitest'
import { startMissedTitle } from './missed-title.ts'
import { useHistory } from './history-store.ts'

let stop = () => {}
afterEach(() => stop())

describe('missed calls in the tab title', () => {
  it('counts missed calls not yet seen, and drops the count once they are', () => {
    useHistory.setState({ entries: [], missedSeenAt: 0 })
    stop = startMissedTitle()
    expect(document.title).toBe('Switchboard')
    const missed = { ext: '410', number: '02', kind: 'missed' as const, startedAt: 1, endedAt: 2 }
    useHistory.setState({
      entries: [
        { ...missed, key: '410|a', id: 'a' },
        { ...missed, key: '410|b', id: 'b' },
      ],
    })
    expect(document.title).toBe('(2 missed) Switchboard')
    useHistory.getState().missedSeen(10)
    expect(document.title).toBe('Switchboard')
  })
})
