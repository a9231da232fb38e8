import { extKey } from '../calls/call-model.ts'
import { useFeed } from '../calls/feed-store.ts'
import { useAgent } from './agent-store.ts'

/** A dial whose call never shows on my extension is forgotten after this long. */
export const DIAL_UNSEEN_MS = 60_000

/**
 * Clears "Calling … from …" (and the number) once the call it started has ended, so an old
 * message never reads as the current call. Returns the unsubscribe.
 */
export function watchDialledCall(): () => void {
  let seen = false
  let unseen: ReturnType<typeof setTimeout> | undefined
  const check = () => {
    const { dial } = useAgent.getState()
    if (dial.state !== 'sent') {
      seen = false
      clearTimeout(unseen)
      unseen = undefined
      return
    }
    unseen ??= setTimeout(() => seen || useAgent.getState().dialledCallEnded(), DIAL_UNSEEN_MS)
    const calls = useFeed.getState().model.byExt[extKey(dial.from)] ?? []
    const live = calls.some((c) => c.endedAt === undefined && c.callerId === dial.number)
    if (live) seen = true
    else if (seen) useAgent.getState().dialledCallEnded()
  }
  const offFeed = useFeed.subscribe((s, prev) => s.model !== prev.model && check())
  const offAgent = useAgent.subscribe((s, prev) => s.dial !== prev.dial && check())
  return () => {
    offFeed()
    offAgent()
    clearTimeout(unseen)
  }
}
