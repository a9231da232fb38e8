import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { callQueries, pollNow, POLL_TIMEOUT_S, retryServerFeed } from './call-queries.ts'
import { useFeed } from './feed-store.ts'

const TICK_MS = 1000
/** No reply for this long (sleep, throttled tab) and the cursor is not trusted any more. */
export const STALE_AFTER_MS = (POLL_TIMEOUT_S + 30) * 1000

/** Retry now: the server tries the PBX at once, and the panel asks it at once, dropping any wait. */
export function retryFeed(client: ReturnType<typeof useQueryClient>) {
  useFeed.getState().retryRequested(Date.now(), true)
  void retryServerFeed(client)
}

/** Back online: ask at once (the server's feed never went down for this). */
function backOnline(client: ReturnType<typeof useQueryClient>) {
  useFeed.getState().retryRequested(Date.now(), false)
  void pollNow(client)
}

/** Drives the long poll for `exten` while mounted and leading; state lands in the feed store. */
export function useCallFeed(exten: readonly string[], leading = true) {
  const client = useQueryClient()
  const enabled = leading && exten.length > 0

  useQuery({ ...callQueries.feed(exten), enabled })

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
        // The poll held across the sleep is likely dead: drop it and ask for the current state now.
        void pollNow(client)
      }
      s.clockTicked(now)
    }
    const interval = setInterval(tick, TICK_MS)
    const onOffline = () => useFeed.getState().wentOffline()
    const onOnline = () => backOnline(client)
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
  }, [enabled, client])
}
