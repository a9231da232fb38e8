import { act, render, screen, waitFor } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'
import type { CallModel } from '../features/calls/call-model.ts'
import { aCall } from '../testing/calls.ts'
import { resetFeedStore, useFeed } from '../features/calls/feed-store.ts'
import { newRingingSentences, RingingAnnouncer } from './ringing-announcer.tsx'

describe('newRingingSentences', () => {
  it('announces a call once when it starts ringing, and again only if it rings anew', () => {
    const seen = new Map<string, Set<string>>()
    const a = { '410': [aCall({ id: 'x', ext: '410' })] }
    expect(newRingingSentences({}, a, seen)).toEqual(['Call ringing on extension 410 from 0298765432.'])
    const b = { '410': [aCall({ id: 'x', ext: '410', statusSince: 5 })] }
    expect(newRingingSentences(a, b, seen)).toEqual([])
    const c = { '410': [aCall({ id: 'x', ext: '410', status: 'Connected' })] }
    expect(newRingingSentences(b, c, seen)).toEqual([])
    expect(newRingingSentences(c, b, seen)).toHaveLength(1)
  })

  it('sums up a burst beyond five calls', () => {
    const many = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [
        `${400 + i}`,
        [aCall({ id: `c${i}`, ext: `${400 + i}`, isQueueCall: i === 0 })],
      ]),
    )
    const out = newRingingSentences({}, many, new Map())
    expect(out).toHaveLength(6)
    expect(out[0]).toBe('Queue call ringing on extension 400 from 0298765432.')
    expect(out[5]).toBe('3 more calls started ringing.')
  })
})

describe('RingingAnnouncer', () => {
  afterEach(() => resetFeedStore())

  it('puts one sentence per new ringing call in a polite log', async () => {
    render(<RingingAnnouncer />)
    const log = screen.getByRole('log', { name: 'Call announcements' })
    expect(log).toHaveAttribute('aria-live', 'polite')
    expect(log).toBeEmptyDOMElement()
    const model: CallModel = { byExt: { '410': [aCall({ id: 'x', ext: '410', callerId: '0411222333' })] }, ended: {} }
    act(() => useFeed.setState({ model }))
    // Announced in a task of its own, after the reply's.
    await waitFor(() => expect(log).toHaveTextContent('Call ringing on extension 410 from 0411222333.'))
    act(() => useFeed.setState({ model: { ...model, byExt: { ...model.byExt } } }))
    const later = { ...model, byExt: { ...model.byExt, '420': [aCall({ id: 'y', ext: '420', callerId: '0299' })] } }
    act(() => useFeed.setState({ model: later }))
    await waitFor(() => expect(log).toHaveTextContent('Call ringing on extension 420 from 0299.'))
    expect(log.children).toHaveLength(2)
  })
})
