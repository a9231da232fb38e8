import { memo, useMemo, type ReactNode } from 'react'
import { ExtensionExtraSlot } from '../../components/ui/extension-extra.tsx'
import { formatDuration } from '../../lib/time.ts'
import { useNow } from '../../lib/use-now.ts'
import type { Call } from '../calls/call-model.ts'
import { statusWords } from '../calls/call-status.ts'
import { useExtensionTrust } from '../calls/feed-store.ts'
import { useCallsFor } from '../calls/shown-calls.ts'
import { useSettings } from '../settings/settings-store.ts'
import { isEscalated } from '../calls/escalation.ts'
import { summarize, tileLabel, type TileState } from './grid-model.ts'

type Look = TileState | 'escalated'

const looks: Record<Look, string> = {
  idle: 'border-slate-200 bg-white text-slate-700 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-300',
  ringing: 'border-amber-500 bg-amber-100 text-amber-950 dark:border-amber-400 dark:bg-amber-950 dark:text-amber-50',
  connected:
    'border-emerald-600 bg-emerald-100 text-emerald-950 dark:border-emerald-400 dark:bg-emerald-950 dark:text-emerald-50',
  busy: 'border-sky-600 bg-sky-100 text-sky-950 dark:border-sky-400 dark:bg-sky-950 dark:text-sky-50',
  ended: 'border-slate-300 bg-slate-100 text-slate-700 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-200',
  escalated: 'border-red-950 bg-red-700 text-white dark:border-red-300 dark:bg-red-800 dark:text-white',
}

// A shape per state as well as a colour and a word: readable at a glance on a wall screen.
const glyphs: Record<Look, string> = {
  idle: '○',
  ringing: '◔',
  connected: '●',
  busy: '◑',
  ended: '◌',
  escalated: '▲',
}

interface Place {
  /** 1-based place in the whole (windowed) list, and its length. */
  position?: number
  of?: number
}

function Frame({
  ext,
  look,
  label,
  word,
  caller,
  time,
  extras,
  position,
  of,
}: Place & {
  ext: string
  look: Look
  label: string
  word: string
  caller?: string
  time?: string
  extras?: ReactNode
}) {
  return (
    <li
      aria-label={label}
      aria-posinset={position}
      aria-setsize={of}
      data-ext={ext}
      data-state={look}
      className={`flex h-[4.75rem] flex-col [contain:strict] justify-between rounded-md border border-l-4 px-2 py-1 text-xs ${looks[look]}`}
    >
      <div className="flex items-baseline justify-between gap-1">
        <span className="text-sm font-bold tabular-nums">{ext}</span>
        <span className="truncate font-semibold">
          <span aria-hidden="true">{glyphs[look]} </span>
          {word}
        </span>
      </div>
      {/* The same lines in every state, empty when idle: a tile that starts ringing changes text, it gains no elements. */}
      <p className="truncate font-medium" title={caller}>
        {caller}
      </p>
      <p className="flex justify-between tabular-nums">
        <span>{time}</span>
        {extras}
        <ExtensionExtraSlot ext={ext} />
      </p>
    </li>
  )
}

/** One extension on the wall: subscribes to its own calls only; idle tiles never tick. */
export const ExtensionTile = memo(function ExtensionTile({
  ext,
  onScreen = true,
  ...place
}: Place & { ext: string; onScreen?: boolean }) {
  return <TileView {...place} ext={ext} calls={useCallsFor(ext, onScreen)} />
})

/**
 * The tile itself, for the calls given. Every state renders the same Frame, so a tile that starts
 * ringing is the same element updated, not one removed and another created — a burst changes a
 * screenful of them at once.
 */
export function TileView({ ext, calls, ...place }: Place & { ext: string; calls: readonly Call[] }) {
  const summary = useMemo(() => summarize(calls), [calls])
  const call = summary.call
  const live = call !== undefined && summary.state !== 'idle' && summary.state !== 'ended'
  // Idle and ended tiles never tick.
  const now = useNow(live)
  const afterSec = useSettings((s) => s.escalateAfterSec)
  // Nothing heard from the PBX yet: an extension without calls is unknown, not idle.
  const known = useExtensionTrust(ext) !== 'waiting'
  if (!call || summary.state === 'idle')
    return (
      <Frame
        {...place}
        ext={ext}
        look="idle"
        label={known ? tileLabel(ext, summary, false) : `Extension ${ext}: Unknown`}
        word={known ? 'Idle' : 'Unknown'}
      />
    )
  const caller = call.callerId || 'Unknown caller'
  if (!live)
    return (
      <Frame
        {...place}
        ext={ext}
        look="ended"
        label={tileLabel(ext, summary, false)}
        word={statusWords(call)}
        caller={caller}
      />
    )
  const escalated = isEscalated(call, now, afterSec)
  const since = call.status === 'Ringing' && call.isQueueCall ? call.firstSeenAt : call.statusSince
  return (
    <Frame
      {...place}
      ext={ext}
      look={escalated ? 'escalated' : summary.state}
      label={tileLabel(ext, summary, escalated)}
      word={statusWords(call)}
      caller={caller}
      time={formatDuration(now - since)}
      extras={
        <>
          {summary.active > 1 && <span>+{summary.active - 1} more</span>}
          {call.isQueueCall && <span>Queue</span>}
          {escalated && <span className="font-bold uppercase">Overdue</span>}
        </>
      }
    />
  )
}
