import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { agentUser, sessionOf } from '../../testing/session.ts'
import { useSession } from './session-store.ts'
import {
  announceSession,
  oidcSignInStarted,
  onSessionMessage,
  sessionLoaded,
  SIGNED_OUT_ELSEWHERE,
  startSessionSync,
  type SessionMsg,
} from './session-sync.ts'

// Another tab of the panel signs out, or someone else signs in there: this tab follows at once.

const alice = sessionOf(agentUser({ name: 'alice' }))
const reload = vi.fn()

beforeEach(() => {
  reload.mockReset()
  useSession.getState().sessionStarted(alice)
})

describe('a message from another tab', () => {
  it('a sign-out there shows the sign-in page here, saying why', () => {
    onSessionMessage({ type: 'signed-out' }, reload)
    expect(useSession.getState().state).toEqual({
      status: 'signed-out',
      oidc: null,
      message: SIGNED_OUT_ELSEWHERE,
      signedOut: true,
    })
    expect(reload).not.toHaveBeenCalled()
  })

  it('a tab that met the ended session first (a 401) is told why too', () => {
    useSession.getState().sessionEnded({ message: 'Your session has ended. Sign in again.' })
    onSessionMessage({ type: 'signed-out' }, reload)
    expect(useSession.getState().state).toMatchObject({ message: SIGNED_OUT_ELSEWHERE, signedOut: true })
  })

  it('a sign-in as someone else drops the previous person: the tab starts afresh', () => {
    onSessionMessage({ type: 'signed-in', name: 'bob' }, reload)
    expect(reload).toHaveBeenCalledOnce()
  })

  it('a sign-in as the person already shown changes nothing', () => {
    const before = useSession.getState().state
    onSessionMessage({ type: 'signed-in', name: 'alice' }, reload)
    expect(reload).not.toHaveBeenCalled()
    expect(useSession.getState().state).toBe(before)
  })

  it('on the sign-in page, a sign-in there follows into the panel; a sign-out changes nothing', () => {
    useSession.getState().sessionEnded({ message: 'You signed out.', signedOut: true })
    const before = useSession.getState().state
    onSessionMessage({ type: 'signed-out' }, reload)
    expect(useSession.getState().state).toBe(before)
    expect(reload).not.toHaveBeenCalled()
    onSessionMessage({ type: 'signed-in', name: 'alice' }, reload)
    expect(reload).toHaveBeenCalledOnce()
  })
})

describe('over the channel', () => {
  let stop = () => {}
  let other: BroadcastChannel
  beforeEach(() => {
    stop = startSessionSync(reload)
    other = new BroadcastChannel('switchboard-session')
  })
  afterEach(() => {
    stop()
    other.close()
  })

  it("hears another tab's sign-out and sign-in", async () => {
    other.postMessage({ type: 'signed-in', name: 'bob' } satisfies SessionMsg)
    await vi.waitFor(() => expect(reload).toHaveBeenCalledOnce())
    other.postMessage({ type: 'signed-out' } satisfies SessionMsg)
    await vi.waitFor(() => expect(useSession.getState().state.status).toBe('signed-out'))
  })

  it("tells the other tabs of this tab's own sign-in and sign-out, and not itself", async () => {
    const heard: SessionMsg[] = []
    other.onmessage = (e: MessageEvent<SessionMsg>) => heard.push(e.data)
    announceSession({ type: 'signed-in', name: 'bob' })
    announceSession({ type: 'signed-out' })
    await vi.waitFor(() => expect(heard).toEqual([{ type: 'signed-in', name: 'bob' }, { type: 'signed-out' }]))
    expect(reload).not.toHaveBeenCalled()
    expect(useSession.getState().state.status).toBe('signed-in')
  })
})

describe('single sign-on, completed by a redirect back to the panel', () => {
  let stop = () => {}
  let other: BroadcastChannel
  const heard: SessionMsg[] = []
  beforeEach(() => {
    sessionStorage.clear()
    heard.length = 0
    stop = startSessionSync(reload)
    other = new BroadcastChannel('switchboard-session')
    other.onmessage = (e: MessageEvent<SessionMsg>) => heard.push(e.data)
  })
  afterEach(() => {
    stop()
    other.close()
  })

  it('the load after this tab left for the identity provider announces the sign-in, once', async () => {
    oidcSignInStarted()
    sessionLoaded(alice)
    sessionLoaded(alice)
    await vi.waitFor(() => expect(heard).toEqual([{ type: 'signed-in', name: 'alice' }]))
  })

  it('an ordinary load, or a sign-on that failed, announces nothing', async () => {
    sessionLoaded(alice)
    oidcSignInStarted()
    sessionLoaded(null)
    sessionLoaded(alice)
    // One channel's messages arrive in order: heard alone, this one had nothing before it.
    announceSession({ type: 'signed-out' })
    await vi.waitFor(() => expect(heard).toEqual([{ type: 'signed-out' }]))
  })
})
