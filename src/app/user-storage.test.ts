import { beforeEach, describe, expect, it } from 'vitest'
import './session-gate.tsx'
import { LOCAL_DEVELOPER, agentUser, sessionOf } from '../testing/session.ts'
import type { HistoryEntry } from '../features/history/history-model.ts'
import { HISTORY_KEY, useHistory } from '../features/history/history-store.ts'
import { defaultSettings, SETTINGS_KEY, useSettings } from '../features/settings/settings-store.ts'
import type { SessionUser } from '../features/session/session-api.ts'
import { useSession } from '../features/session/session-store.ts'

// Another person signing in on the same browser sees none of the previous person's settings or history.

const alice = agentUser({ name: 'alice', act: ['400'], watch: ['400', '401'] })
const bob = agentUser({ name: 'bob', display: 'Bob', act: ['410'], watch: ['410'] })

const entry: HistoryEntry = {
  key: '400|c1',
  ext: '400',
  id: 'c1',
  number: '0298765432',
  kind: 'answered',
  startedAt: 1_000,
  connectedAt: 2_000,
  endedAt: 3_000,
}

/** As the session gate sees it: a session ends (signed out, or expired), then one starts. */
function signIn(user: SessionUser) {
  useSession.getState().sessionEnded()
  useSession.getState().sessionStarted(sessionOf(user))
}

beforeEach(() => {
  // The setup's session is the local developer's, on the plain keys.
  localStorage.clear()
  useSession.getState().sessionStarted(sessionOf(LOCAL_DEVELOPER))
  useSettings.setState(defaultSettings)
  useHistory.setState({ entries: [], missedSeenAt: 0 })
})

describe('per-user settings and history', () => {
  it("the next user sees none of the previous one's; the theme is the browser's; each finds their own again", () => {
    signIn(alice)
    useSettings.getState().settingsChanged({ screenPopUrl: 'https://crm.example/?n={callerId}', sound: true })
    useSettings.getState().settingsChanged({ theme: 'dark' })
    useHistory.getState().callsEnded([entry])
    expect(useSettings.getState().myExtensions).toEqual(['400'])

    // Her session ends without a Sign out (expired, the browser closed): Bob signs in.
    signIn(bob)
    expect(useHistory.getState().entries).toEqual([])
    expect(useSettings.getState()).toMatchObject({
      screenPopUrl: '',
      sound: defaultSettings.sound,
      myExtensions: ['410'],
      theme: 'dark',
    })
    useSettings.getState().settingsChanged({ volume: 0.1 })
    expect(JSON.stringify(localStorage.getItem(`${SETTINGS_KEY}:bob`))).not.toContain('crm.example')

    // Alice again: her settings and her history are back, nothing of Bob's.
    signIn(alice)
    expect(useHistory.getState().entries.map((e) => e.number)).toEqual(['0298765432'])
    expect(useSettings.getState()).toMatchObject({
      screenPopUrl: 'https://crm.example/?n={callerId}',
      sound: true,
      volume: defaultSettings.volume,
      myExtensions: ['400'],
    })
  })

  it('Sign out takes the call history out of the browser; the settings wait for the same user', () => {
    signIn(alice)
    useSettings.getState().settingsChanged({ screenPopUrl: 'https://crm.example/?n={callerId}' })
    useHistory.getState().callsEnded([entry])
    expect(localStorage.getItem(`${HISTORY_KEY}:alice`)).toContain('0298765432')

    // Sign out (the header's button).
    useSession.getState().sessionEnded({ message: 'You signed out.', signedOut: true })
    expect(useHistory.getState().entries).toEqual([])
    expect(localStorage.getItem(`${HISTORY_KEY}:alice`)).toBeNull()
    expect(Object.values({ ...localStorage }).join()).not.toContain('0298765432')

    signIn(bob)
    signIn(alice)
    expect(useHistory.getState().entries).toEqual([])
    expect(useSettings.getState().screenPopUrl).toBe('https://crm.example/?n={callerId}')
  })

  it("the local developer keeps the plain keys (a user's own are apart)", () => {
    useSettings.getState().settingsChanged({ agentLoginName: 'dev' })
    expect(localStorage.getItem(SETTINGS_KEY)).toContain('"agentLoginName":"dev"')
    signIn(alice)
    expect(useSettings.getState().agentLoginName).toBe('')
    signIn(LOCAL_DEVELOPER)
    expect(useSettings.getState().agentLoginName).toBe('dev')
  })
})
