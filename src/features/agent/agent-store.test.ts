import { beforeEach, describe, expect, it } from 'vitest'
import { useAgent } from './agent-store.ts'

const KEY = 'switchboard.recordings'
const stored = () => JSON.parse(localStorage.getItem(KEY) ?? '{}') as { recorded?: Record<string, unknown> }

beforeEach(() => {
  localStorage.clear()
  useAgent.setState({ recorded: {} })
})

describe('recordings started here outlive a reload', () => {
  it('keeps the owner of a started recording, stored, until it is stopped', () => {
    useAgent.getState().recordingStarted('c1', 'jsmith')
    expect(stored().recorded).toEqual({ c1: { owner: 'jsmith', at: expect.any(Number) } })
    expect(useAgent.getState().recorded.c1?.owner).toBe('jsmith')
    useAgent.getState().recordingStopped('c1')
    expect(useAgent.getState().recorded).toEqual({})
    expect(stored().recorded).toEqual({})
  })

  it('a page opened later shows it as on; old or unreadable entries are dropped', () => {
    const now = Date.now()
    localStorage.setItem(
      KEY,
      JSON.stringify({
        recorded: {
          c1: { owner: 'jsmith', at: now - 60_000 },
          old: { owner: 'x', at: now - 13 * 3600_000 },
          junk: { owner: 5 },
          nul: null,
        },
      }),
    )
    // As another tab writing it, or this page loading.
    window.dispatchEvent(new StorageEvent('storage', { key: KEY }))
    const s = useAgent.getState()
    expect(Object.keys(s.recorded)).toEqual(['c1'])
    expect(s.recorded.c1?.owner).toBe('jsmith')
    expect(s.recorded.old).toBeUndefined()
  })

  it('changes one entry at a time: what another tab stored meanwhile is kept', () => {
    useAgent.getState().recordingStarted('c1', 'jsmith')
    // Another tab records c2 (it writes storage; this tab has not heard yet).
    localStorage.setItem(
      KEY,
      JSON.stringify({ recorded: { ...stored().recorded, c2: { owner: 'bjones', at: Date.now() } } }),
    )
    useAgent.getState().recordingStopped('c1')
    expect(Object.keys(stored().recorded ?? {})).toEqual(['c2'])
  })

  it('forgets the recordings of calls that ended', () => {
    useAgent.getState().recordingStarted('c1', 'jsmith')
    useAgent.getState().recordingStarted('c2', 'jsmith')
    useAgent.getState().recordingsEnded(['c1', 'c9'])
    expect(Object.keys(useAgent.getState().recorded)).toEqual(['c2'])
  })
})
