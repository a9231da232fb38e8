import { memo } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { formatDuration } from '../../lib/time.ts'
import { missedSince, talkTime, type HistoryEntry, type HistoryKind } from './history-model.ts'
import { useHistory } from './history-store.ts'

const SHOWN = 50

const kindWords: Record<HistoryKind, { word: string; icon: string; className: string }> = {
  answered: { word: 'Answered', icon: '↙', className: 'text-emerald-800 dark:text-emerald-300' },
  missed: { word: 'Missed', icon: '✕', className: 'text-red-700 dark:text-red-300' },
  outbound: { word: 'Outbound', icon: '↗', className: 'text-sky-800 dark:text-sky-300' },
}

function when(ms: number): string {
  const d = new Date(ms)
  const today = new Date().toDateString() === d.toDateString()
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
  return today ? time : `${d.toLocaleDateString([], { day: 'numeric', month: 'short' })} ${time}`
}

const Row = memo(function Row({ entry, onRedial }: { entry: HistoryEntry; onRedial: (n: string) => void }) {
  const k = kindWords[entry.kind]
  const who = entry.number || 'Unknown'
  return (
    <li className="flex items-center gap-2 border-b border-slate-200 py-1.5 text-sm last:border-0 dark:border-slate-700">
      <span className={`w-24 shrink-0 font-medium ${k.className}`}>
        <span aria-hidden="true">{k.icon} </span>
        {k.word}
      </span>
      <span className="min-w-0 flex-1">
        <span className="block truncate font-medium">{who}</span>
        <span className="block text-xs text-slate-600 dark:text-slate-300">
          <time dateTime={new Date(entry.endedAt).toISOString()}>{when(entry.startedAt)}</time> · on {entry.ext}
          {entry.kind !== 'missed' && ` · ${formatDuration(talkTime(entry))}`}
        </span>
      </span>
      {entry.number && (
        <Button className="shrink-0" aria-label={`Call back ${who}`} onClick={() => onRedial(entry.number)}>
          Call back
        </Button>
      )}
    </li>
  )
})

/** Recent calls on my extensions, newest first; redial goes through the caller's dial action. */
export function HistoryPanel({ onRedial }: { onRedial: (number: string) => void }) {
  const entries = useHistory((s) => s.entries)
  const seenAt = useHistory((s) => s.missedSeenAt)
  const missedSeen = useHistory((s) => s.missedSeen)
  const cleared = useHistory((s) => s.historyCleared)
  const missed = missedSince(entries, seenAt)
  return (
    <section
      aria-labelledby="history-heading"
      className="flex w-80 shrink-0 flex-col gap-2 rounded-xl bg-white p-3 shadow-sm dark:bg-slate-900"
    >
      <div className="flex items-center gap-2">
        <h2 id="history-heading" className="text-sm font-semibold text-slate-700 dark:text-slate-200">
          Call history
        </h2>
        <span
          className={`rounded px-1.5 text-xs font-semibold ${missed ? 'bg-red-700 text-white' : 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100'}`}
        >
          {missed} missed
        </span>
        {missed > 0 && (
          <Button variant="ghost" className="ml-auto" onClick={() => missedSeen(Date.now())}>
            Mark seen
          </Button>
        )}
      </div>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">No calls on your extensions yet.</p>
      ) : (
        <>
          <ol aria-label="Recent calls">
            {entries.slice(0, SHOWN).map((e) => (
              <Row key={e.key} entry={e} onRedial={onRedial} />
            ))}
          </ol>
          <div className="flex items-center justify-between text-xs text-slate-600 dark:text-slate-300">
            <span>
              {entries.length > SHOWN ? `Latest ${SHOWN} of ${entries.length}` : `${entries.length} calls`} (up to 500
              kept)
            </span>
            <Button
              variant="ghost"
              onClick={() => window.confirm('Clear the call history on this computer?') && cleared()}
            >
              Clear
            </Button>
          </div>
        </>
      )}
    </section>
  )
}
