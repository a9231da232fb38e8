import '@testing-library/jest-dom/vitest'
import { beforeEach } from 'vitest'
import { useSession } from '../features/session/session-store.ts'
import { LOCAL_DEVELOPER, sessionOf } from './session.ts'

// Every test starts signed in as the local developer (every extension); sign-in tests change it.
beforeEach(() => useSession.setState({ state: { status: 'signed-in', session: sessionOf(LOCAL_DEVELOPER) } }))
