import { useQuery } from '@tanstack/react-query'
import { useDeferredValue, useEffect } from 'react'
import { useShallow } from 'zustand/react/shallow'
import { callQueries, POLL_TIMEOUT_S } from './call-queries.ts'
import { useFeed } from './feed-store.ts'

const TICK_MS = 1000
/** No reply for this long (sleep, throttled tab) and the cursor is not trusted any more. */
export const STALE_AFTER_MS = (POLL_TIMEOUT_S + 30) * 1000

/** Drives the long poll for `exten` while mounted and leading; state lands in the feed store. */
export function useCallFeed(exten: readonly string[], leading = true) {
  // Deferred: a reply's own task shows its calls first; moving the query to the next poll's key
  // (and cancelling the old one) can wait for React's next render. The next poll itself is
  // started from the reply (pollOnce), so this does not delay it.
  const { seq, poll } = useDeferredValue(useFeed(useShallow((s) => ({ seq: s.seq, poll: s.poll }))))
  const enabled = leading && exten.length > 0

  useQuery({ ...callQueries.feed(exten, seq, poll), enabled })

  useEffect(() => {
    if (!navigator.onLine) useFeed.getState().wentOffline()
  }, [])

  useEffect(() => {
    let resyncAt = 0
    const tick = () => {
      const now = Date.now()
      const s = useFeed.getState()
      // Sleep, a frozen or throttled tab: too long without a reply and the cursor is not trusted.
      const heardAt = Math.max(s.lastReplyAt, resyncAt)
      if (enabled && s.connection.phase === 'live' && heardAt > 0 && now - heardAt > STALE_AFTER_MS) {
        resyncAt = now
        s.resyncRequested(`no reply for ${Math.round((now - s.lastReplyAt) / 1000)} s`)
      }
      s.clockTicked(now)
    }
    const interval = setInterval(tick, TICK_MS)
    const onOffline = () => useFeed.getState().wentOffline()
    const onOnline = () => useFeed.getState().retryNow()
    const onVisible = () => document.visibilityState === 'visible' && tick()
    window.addEventListener('offline', onOffline)
    window.addEventListener('online', onOnline)
    document.addEventListener('visibilitychange', onVisible)
    return () => {
      clearInterval(interval)
      window.removeEventListener('offline', onOffline)
      window.removeEventListener('online', onOnline)
      document.removeEventListener('visibilitychange', onVisible)
    }
  }, [enabled])
}
