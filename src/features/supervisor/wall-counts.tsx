import { formatDuration } from '../../lib/time.ts'
import { looks, STATE, type Look } from './wall-tile.tsx'

export type WallCounts = Record<Look, number> & { longest: number }

/**
 * The wall's counts, each a filter; on a narrow screen they wrap onto more lines (never cut: the
 * tiles below take what room is left).
 */
export function WallCountsRow({
  counts,
  filter,
  total,
  onToggle,
  onShowAll,
}: {
  counts: WallCounts
  filter: Look | null
  total: number
  onToggle: (f: Look) => void
  onShowAll: () => void
}) {
  const count = (f: Look, n: number, cls: string) => (
    <button
      type="button"
      aria-pressed={filter === f}
      onClick={() => onToggle(f)}
      className={`rounded-md px-[0.6em] py-[0.15em] font-semibold whitespace-nowrap aria-pressed:ring-4 aria-pressed:ring-sky-500 ${cls}`}
    >
      <span aria-hidden="true">{STATE[f].glyph} </span>
      {n} {f === 'busy' ? 'other' : STATE[f].word.toLowerCase()}
    </button>
  )
  return (
    <div data-wall-counts className="flex shrink-0 flex-wrap items-center gap-2 text-base sm:text-lg 2xl:text-2xl">
      {count('ringing', counts.ringing, looks.ringing)}
      {count('overdue', counts.overdue, counts.overdue ? looks.overdue : looks.idle)}
      {count('connected', counts.connected, looks.connected)}
      {counts.busy > 0 && count('busy', counts.busy, looks.busy)}
      {count('idle', counts.idle, looks.idle)}
      <span className="font-semibold whitespace-nowrap tabular-nums">
        Longest wait {formatDuration(counts.longest)}
      </span>
      {filter && (
        <button type="button" onClick={onShowAll} className="rounded-md border px-3 py-1 whitespace-nowrap">
          Show all {total}
        </button>
      )}
    </div>
  )
}
