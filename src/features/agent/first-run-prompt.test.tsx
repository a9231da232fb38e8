import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { agentUser, sessionOf } from '../../testing/session.ts'
import { useSession } from '../session/session-store.ts'
import { settingsFollowRights } from '../settings/rights-defaults.ts'
import { defaultSettings, useSettings } from '../settings/settings-store.ts'
import { FirstRunPrompt } from './first-run-prompt.tsx'

afterEach(cleanup)
beforeEach(() => {
  useSettings.setState({ ...defaultSettings, myExtensions: [] })
  // A first visit: nothing of this user's stored yet (the reset above wrote the plain key).
  localStorage.clear()
})

/** Signed in as `user`, with My extensions defaulted from their rights as the session gate does. */
function signIn(user: ReturnType<typeof agentUser>) {
  const session = sessionOf(user)
  useSession.setState({ state: { status: 'signed-in', session } })
  settingsFollowRights(session)
}

describe('the first-run prompt', () => {
  it('says nothing personal works with no extension of mine, and its button leads to setting them', async () => {
    const onSetUp = vi.fn()
    render(<FirstRunPrompt onSetUp={onSetUp} />)
    const prompt = screen.getByRole('region', { name: 'Set your own extensions to take calls' })
    expect(prompt).toHaveTextContent(
      'the A shortcut, Dial, call history, the ringtone, notifications and the title flash',
    )
    await userEvent.setup().click(screen.getByRole('button', { name: 'Set my extensions' }))
    expect(onSetUp).toHaveBeenCalledTimes(1)
  })

  it('is not there once My extensions is set', () => {
    useSettings.setState({ myExtensions: ['410'] })
    render(<FirstRunPrompt onSetUp={() => {}} />)
    expect(screen.queryByRole('region')).not.toBeInTheDocument()
  })

  it('is not there for a signed-in agent: their extensions default to the ones they may act on', () => {
    signIn(agentUser({ act: ['400'] }))
    render(<FirstRunPrompt onSetUp={() => {}} />)
    expect(screen.queryByRole('region')).not.toBeInTheDocument()
  })

  it('tells a user with no extension to act on that they can watch only, with nothing to set', () => {
    signIn(agentUser({ act: [] }))
    render(<FirstRunPrompt onSetUp={() => {}} />)
    expect(screen.getByRole('region', { name: 'You can watch calls only' })).toHaveTextContent(
      'no extension to answer or dial from',
    )
    expect(screen.queryByRole('button')).not.toBeInTheDocument()
  })
})
