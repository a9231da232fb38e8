import { memo, useMemo, type ReactNode } from 'react'
import { PhoneText } from '../../components/ui/phone-text.tsx'
import { ExtensionExtraSlot } from '../../components/ui/extension-extra.tsx'
import { formatDuration } from '../../lib/time.ts'
import { useNow } from '../../lib/use-now.ts'
import type { Call } from '../calls/call-model.ts'
import { statusWords } from '../calls/call-status.ts'
import { useExtensionTrust } from '../calls/feed-store.ts'
import { useCallsFor } from '../calls/shown-calls.ts'
import { useSettings } from '../settings/settings-store.ts'
import { isEscalated } from '../calls/escalation.ts'
import { summarize, tileLabel } from './grid-model.ts'
import { glyphs, looks, type Look } from './grid-looks.ts'

/** A caller longer than this many characters is set smaller, to fit whole. */
const CALLER_CHARS = 17

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
        <span data-status-words className="font-semibold whitespace-nowrap">
          <span aria-hidden="true">{glyphs[look]} </span>
          {word}
        </span>
      </div>
      {/* The same lines in every state, empty when idle: a tile that starts ringing changes text, it gains no elements. */}
      {/* Never cut: a caller longer than the line holds is set smaller. */}
      <p
        data-caller
        className="font-medium whitespace-nowrap"
        style={caller && caller.length > CALLER_CHARS ? { fontSize: `${CALLER_CHARS / caller.length}em` } : undefined}
      >
        {caller && <PhoneText raw={caller} />}
      </p>
      <p className="flex justify-between gap-1 whitespace-nowrap tabular-nums">
        <span>{time}</span>
        <span className="flex gap-1">
          {extras}
          <ExtensionExtraSlot ext={ext} />
        </span>
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
      word={escalated ? 'Overdue' : statusWords(call)}
      caller={caller}
      time={formatDuration(now - since)}
      extras={
        <>
          {summary.active > 1 && <span>+{summary.active - 1} more</span>}
          {call.isQueueCall && <span>Queue</span>}
        </>
      }
    />
  )
}
