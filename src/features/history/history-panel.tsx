import { memo } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { PhoneText } from '../../components/ui/phone-text.tsx'
import { formatClock, formatDuration } from '../../lib/time.ts'
import { HISTORY_LIMIT, missedSince, talkTime, type HistoryEntry, type HistoryKind } from './history-model.ts'
import { useHistory } from './history-store.ts'
import { useHistoryEntries } from './history-sync.tsx'

const SHOWN = 50

const kindWords: Record<HistoryKind, { word: string; icon: string; className: string }> = {
  answered: { word: 'Answered', icon: '↙', className: 'text-emerald-800 dark:text-emerald-300' },
  missed: { word: 'Missed', icon: '✕', className: 'text-red-700 dark:text-red-300' },
  outbound: { word: 'Outbound', icon: '↗', className: 'text-sky-800 dark:text-sky-300' },
}

const Row = memo(function Row({ entry, onRedial }: { entry: HistoryEntry; onRedial: (n: string) => void }) {
  const k = kindWords[entry.kind]
  const who = entry.number || 'Unknown'
  return (
    <li className="flex items-center gap-2 border-b border-slate-200 py-1.5 text-sm last:border-0 dark:border-slate-700">
      <span className="min-w-0 flex-1">
        {/* The number whole (it wraps rather than being cut); the details below it may be shortened. */}
        <span data-caller className="block font-medium [overflow-wrap:anywhere]">
          <PhoneText raw={who} />
        </span>
        <span className="flex gap-1 text-xs whitespace-nowrap text-slate-600 dark:text-slate-300">
          <span className={`shrink-0 font-medium ${k.className}`}>
            <span aria-hidden="true">{k.icon} </span>
            {k.word}
          </span>
          <span className="min-w-0 truncate">
            · <time dateTime={new Date(entry.startedAt).toISOString()}>{formatClock(entry.startedAt)}</time> · on{' '}
            {entry.ext}
            {entry.kind !== 'missed' && ` · ${formatDuration(talkTime(entry))}`}
          </span>
        </span>
      </span>
      {/* Calling back is for who called: an outbound row's number is the one dialled (and Dial is above). */}
      {entry.number && entry.kind !== 'outbound' && (
        <Button className="shrink-0" aria-label={`Call back ${who}`} onClick={() => onRedial(entry.number)}>
          Call back
        </Button>
      )}
    </li>
  )
})

/**
 * Recent calls on my extensions, newest first (the server's record for a signed-in user, this browser's for
 * the local developer); redial goes through the caller's dial action.
 */
export function HistoryPanel({ onRedial }: { onRedial: (number: string) => void }) {
  const { entries, server, pending, error } = useHistoryEntries()
  const seenAt = useHistory((s) => s.missedSeenAt)
  const missedSeen = useHistory((s) => s.missedSeen)
  const cleared = useHistory((s) => s.historyCleared)
  const missed = missedSince(entries, seenAt)
  return (
    <section
      aria-labelledby="history-heading"
      className="flex w-full shrink-0 flex-col gap-2 rounded-xl lg:w-80 bg-white p-3 shadow-sm dark:bg-slate-900"
    >
      <div className="flex items-center gap-2">
        <h2 id="history-heading" className="text-sm font-semibold text-slate-700 dark:text-slate-200">
          Call history
        </h2>
        {missed > 0 && (
          <span className="rounded bg-red-700 px-1.5 text-xs font-semibold text-white">{missed} missed</span>
        )}
        {missed > 0 && (
          <Button variant="ghost" className="ml-auto" onClick={() => missedSeen(Date.now())}>
            Mark seen
          </Button>
        )}
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          Cannot load your call history: {error}
        </p>
      )}
      {entries.length === 0 ? (
        !error && (
          <p className="text-sm text-slate-500 dark:text-slate-400">
            {pending ? 'Loading your call history…' : 'No calls on your extensions yet.'}
          </p>
        )
      ) : (
        <>
          <ol aria-label="Recent calls">
            {entries.slice(0, SHOWN).map((e) => (
              <Row key={e.key} entry={e} onRedial={onRedial} />
            ))}
          </ol>
          <div className="flex items-center justify-between text-xs text-slate-600 dark:text-slate-300">
            <span>
              {entries.length > SHOWN
                ? `Latest ${SHOWN} of ${entries.length}`
                : `${entries.length} ${entries.length === 1 ? 'call' : 'calls'}`}{' '}
              {!server && `(up to ${HISTORY_LIMIT} kept)`}
            </span>
            {/* The server's record is not this browser's to clear. */}
            {!server && (
              <Button
                variant="ghost"
                onClick={() => window.confirm('Clear the call history on this computer?') && cleared()}
              >
                Clear
              </Button>
            )}
          </div>
        </>
      )}
    </section>
  )
}
