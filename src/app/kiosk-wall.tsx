import { lazy, Suspense, useEffect } from 'react'
import { ConnectionStatus } from '../features/calls/connection-status.tsx'
import { useConnection } from '../features/calls/feed-store.ts'
import { leaveKiosk } from '../features/settings/view-mode.ts'

const WallView = lazy(() => import('../features/supervisor/wall-view.tsx'))

/**
 * Full screen on the first click or key (browsers allow it only on a user gesture; a browser started
 * in kiosk mode already is); Esc leaves full screen (the browser's own), then kiosk mode.
 */
function useKioskKeys() {
  useEffect(() => {
    const root = document.documentElement
    const enter = () => {
      if (!document.fullscreenElement && root.requestFullscreen) root.requestFullscreen().catch(() => {})
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return enter()
      if (!document.fullscreenElement) leaveKiosk()
    }
    window.addEventListener('pointerdown', enter)
    window.addEventListener('keydown', onKey)
    return () => {
      window.removeEventListener('pointerdown', enter)
      window.removeEventListener('keydown', onKey)
    }
  }, [])
}

/** `?view=wall&kiosk=1`: the wall alone — no header, no banner; the status line only when the feed is not live. */
export function KioskWall({ extensions }: { extensions: readonly string[] }) {
  useKioskKeys()
  const live = useConnection().phase === 'live'
  return (
    <main aria-label="Wall (kiosk: Esc to leave)" className="flex min-h-screen flex-col gap-2 p-2">
      {!live && <ConnectionStatus watching={extensions.length} />}
      <Suspense>
        <WallView extensions={extensions} />
      </Suspense>
    </main>
  )
}
