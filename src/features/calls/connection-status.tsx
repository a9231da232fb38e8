import { useQueryClient } from '@tanstack/react-query'
import { useId, useState, type ReactNode } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { formatClock } from '../../lib/time.ts'
import { useNow } from '../../lib/use-now.ts'
import { useConnection, useFeed } from './feed-store.ts'
import { retryNow } from './tab-sync.ts'
import { retryFeed } from './use-call-feed.ts'

/** Down longer than this is an outage, not a reconnect: said in red, in minutes. */
export const LONG_OUTAGE_MS = 60_000

const dot = {
  connecting: 'bg-slate-400',
  live: 'bg-emerald-500',
  reconnecting: 'bg-amber-500',
  down: 'bg-red-600',
  auth: 'bg-red-600',
  offline: 'bg-slate-500',
  idle: 'bg-slate-400',
}

const rowTone = {
  brief: 'bg-amber-100 text-amber-950 dark:bg-amber-950 dark:text-amber-50',
  long: 'bg-red-100 text-red-950 dark:bg-red-950 dark:text-red-50',
  none: '',
}

function NextTry({ at }: { at: number }) {
  // The shared ticker's time can be up to a second old when this mounts: never count from
  // before the moment the wait was set, or a 30 s wait reads "31 s".
  const [shownSince] = useState(() => Date.now())
  const now = Math.max(useNow(), shownSince)
  const s = Math.max(0, Math.ceil((at - now) / 1000))
  return <>{s > 0 ? `next try in ${s} s` : 'trying now'}</>
}

/** How long the feed has been down, ticking only while it is (a live panel never ticks for this). */
function useDownFor(down: boolean, since: number): number {
  const now = useNow(down)
  return down && since > 0 ? Math.max(0, now - since) : 0
}

/**
 * The one place that says whether the feed can be trusted right now: one line, always as high,
 * its cause a click away (a narrow side panel cuts the line short).
 */
export function ConnectionStatus({ watching }: { watching: number }) {
  const client = useQueryClient()
  const c = useConnection()
  const simulated = useFeed((s) => s.simulated)
  const lastReplyAt = useFeed((s) => s.lastReplyAt)
  const [open, setOpen] = useState(false)
  const detailsId = useId()
  const phase = watching === 0 ? 'idle' : c.phase
  const troubled = phase === 'reconnecting' || phase === 'auth' || phase === 'offline'
  const downFor = useDownFor(troubled, lastReplyAt)
  const long = downFor >= LONG_OUTAGE_MS
  const next = c.nextRetryAt && (
    <>
      {' '}
      — <NextTry key={c.nextRetryAt} at={c.nextRetryAt} />
    </>
  )
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
      text = long ? `Offline for ${Math.floor(downFor / 60_000)} min` : 'Offline — waiting for the network'
      break
    case 'auth':
      // The server's words in full: the administrator who reads it needs how the PBX refused (README).
      text = (
        <>
          {c.error}
          {next}
        </>
      )
      break
    case 'reconnecting':
      text = (
        <>
          {lastReplyAt === 0
            ? 'Cannot connect'
            : long
              ? `Down for ${Math.floor(downFor / 60_000)} min`
              : 'Reconnecting'}
          : {c.error}
          {next}
        </>
      )
      break
  }
  const tone = !troubled || lastReplyAt === 0 ? (phase === 'auth' ? 'long' : 'none') : long ? 'long' : 'brief'
  return (
    // Its text wraps on a narrow screen rather than being cut: the cause is what an agent must read.
    <div
      className={`relative flex min-h-8 max-w-full flex-wrap items-center gap-x-2 rounded-md px-2 py-0.5 ${rowTone[tone]}`}
    >
      <div
        role="status"
        aria-live="polite"
        className="flex min-w-0 items-center gap-2 text-sm"
        data-phase={phase}
        data-outage={troubled ? (long ? 'long' : 'brief') : undefined}
      >
        <span aria-hidden className={`h-2.5 w-2.5 shrink-0 rounded-full ${dot[long ? 'down' : phase]}`} />
        <span data-status-text>{text}</span>
      </div>
      {troubled && (
        <Button
          variant="ghost"
          className="shrink-0 px-2 py-0.5!"
          aria-expanded={open}
          aria-controls={detailsId}
          onClick={() => setOpen((o) => !o)}
        >
          Details
        </Button>
      )}
      {troubled && (
        <Button variant="ghost" className="shrink-0 px-2 py-0.5!" onClick={() => retryNow(() => retryFeed(client))}>
          Retry now
        </Button>
      )}
      {simulated && (
        <span
          className="shrink-0 truncate rounded bg-violet-200 px-1.5 py-0.5 text-xs font-semibold text-violet-950 dark:bg-violet-900 dark:text-violet-50"
          title="No NOOJEE_URL is set on the server: these calls come from Switchboard's built-in simulator, not a real PBX."
        >
          Simulated PBX<span className="max-sm:hidden"> — demo calls</span>
        </span>
      )}
      {troubled && open && (
        <div
          id={detailsId}
          className="absolute top-full left-0 z-30 mt-1 w-[min(32rem,calc(100vw-2rem))] rounded-md border border-slate-300 bg-white p-3 text-sm text-slate-900 shadow-lg dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100"
        >
          <p className="font-medium">{c.error}</p>
          {lastReplyAt > 0 && (
            <p className="mt-1">
              Calls on screen are as the PBX last reported them, at {formatClock(lastReplyAt)}; timers are stopped and
              Answer is off until it is back.
            </p>
          )}
          <p className="mt-1 text-slate-700 dark:text-slate-300">Diagnostics lists every request and reply.</p>
        </div>
      )}
    </div>
  )
}
