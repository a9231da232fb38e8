import { useState, type ReactNode } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { useNow } from '../../lib/use-now.ts'
import { useConnection, useFeed } from './feed-store.ts'
import { retryNow } from './tab-sync.ts'

const dot = {
  connecting: 'bg-slate-400',
  live: 'bg-emerald-500',
  reconnecting: 'bg-amber-500',
  auth: 'bg-red-600',
  offline: 'bg-slate-500',
  idle: 'bg-slate-400',
}

function NextTry({ at }: { at: number }) {
  // The shared ticker's time can be up to a second old when this mounts: never count from
  // before the moment the wait was set, or a 30 s wait reads "31 s".
  const [shownSince] = useState(() => Date.now())
  const now = Math.max(useNow(), shownSince)
  const s = Math.max(0, Math.ceil((at - now) / 1000))
  return <>{s > 0 ? `next try in ${s} s` : 'trying now'}</>
}

/** The one place that says whether the feed can be trusted right now. */
export function ConnectionStatus({ watching }: { watching: number }) {
  const c = useConnection()
  const simulated = useFeed((s) => s.simulated)
  // Never heard from the PBX: nothing to reconnect to yet.
  const everHeard = useFeed((s) => s.lastReplyAt > 0)
  const phase = watching === 0 ? 'idle' : c.phase
  let text: ReactNode
  switch (phase) {
    case 'idle':
      text = 'Not watching any extension'
      break
    case 'connecting':
      text = 'Connecting to the PBX…'
      break
    case 'live':
      text = 'Live'
      break
    case 'offline':
      text = 'Offline — waiting for the network'
      break
    case 'auth':
      text = (
        <>
          {c.error}
          {c.nextRetryAt && (
            <>
              {' '}
              — <NextTry key={c.nextRetryAt} at={c.nextRetryAt} />
            </>
          )}
        </>
      )
      break
    case 'reconnecting':
      text = (
        <>
          {everHeard ? 'Reconnecting' : 'Cannot connect'}: {c.error}
          {c.nextRetryAt && (
            <>
              {' '}
              — <NextTry key={c.nextRetryAt} at={c.nextRetryAt} />
            </>
          )}
        </>
      )
      break
  }
  return (
    <div className="flex min-w-0 items-center gap-2">
      <div role="status" aria-live="polite" className="flex min-w-0 items-center gap-2 text-sm" data-phase={phase}>
        <span aria-hidden className={`h-2.5 w-2.5 shrink-0 rounded-full ${dot[phase]}`} />
        <span className="truncate">{text}</span>
      </div>
      {simulated && (
        <span
          className="shrink-0 rounded bg-violet-200 px-1.5 py-0.5 text-xs font-semibold text-violet-950 dark:bg-violet-900 dark:text-violet-50"
          title="No NOOJEE_URL is set on the server: these calls come from Switchboard's built-in simulator, not a real PBX."
        >
          Simulated PBX — demo calls
        </span>
      )}
      {(phase === 'reconnecting' || phase === 'auth' || phase === 'offline') && (
        <Button variant="ghost" onClick={retryNow}>
          Retry now
        </Button>
      )}
    </div>
  )
}
