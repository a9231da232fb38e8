import { useLayoutEffect, useMemo, useRef, useState } from 'react'
import { ExtensionExtraSlot } from '../../components/ui/extension-extra.tsx'
import { formatDuration } from '../../lib/time.ts'
import { useNow } from '../../lib/use-now.ts'
import { extKey, type Call } from '../calls/call-model.ts'
import { isEscalated, waitingMs } from '../calls/escalation.ts'
import { useFeed } from '../calls/feed-store.ts'
import { useSettings } from '../settings/settings-store.ts'
import { summarize, tileLabel, type TileState } from './grid-model.ts'
import { fitTiles } from './wall-layout.ts'

type Look = TileState | 'overdue'
type Filter = Look | null

const looks: Record<Look, string> = {
  overdue: 'border-red-950 bg-red-700 text-white dark:border-red-300 dark:bg-red-800',
  ringing: 'border-amber-500 bg-amber-100 text-amber-950 dark:border-amber-400 dark:bg-amber-950 dark:text-amber-50',
  connected:
    'border-emerald-600 bg-emerald-100 text-emerald-950 dark:border-emerald-400 dark:bg-emerald-950 dark:text-emerald-50',
  busy: 'border-sky-600 bg-sky-100 text-sky-950 dark:border-sky-400 dark:bg-sky-950 dark:text-sky-50',
  ended: 'border-slate-300 bg-white text-slate-700 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-300',
  idle: 'border-slate-200 bg-white text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300',
}
// Busy first: what needs a supervisor's eye is top left.
const ORDER: Record<Look, number> = { overdue: 0, ringing: 1, connected: 2, busy: 3, ended: 4, idle: 5 }
const WORDS: Record<Look, string> = {
  overdue: 'overdue',
  ringing: 'ringing',
  connected: 'connected',
  busy: 'other',
  ended: 'idle',
  idle: 'idle',
}

interface Tile {
  ext: string
  look: Look
  call?: Call
  label: string
  since?: number
}

const GAP = 6

/** Fits its box to the screen below it: the wall never scrolls. */
function useBox() {
  const ref = useRef<HTMLDivElement>(null)
  const [box, setBox] = useState({ w: 0, h: 0 })
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = () => {
      const r = el.getBoundingClientRect()
      // Below it only the page's bottom padding (1 rem) and a little slack.
      setBox({ w: r.width, h: Math.max(120, window.innerHeight - r.top - 28) })
    }
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    window.addEventListener('resize', measure)
    return () => {
      ro.disconnect()
      window.removeEventListener('resize', measure)
    }
  }, [])
  return { ref, box }
}

/**
 * The wall screen: every extension's tile on one screen (up to ~300 at 1920×1080), sized to be
 * read from across the room, busy ones first; counts (with overdue and the longest wait) and
 * tiles filter by state on a click.
 */
export default function WallView({ extensions }: { extensions: readonly string[] }) {
  const byExt = useFeed((s) => s.model.byExt)
  const now = useNow()
  const afterSec = useSettings((s) => s.escalateAfterSec)
  const [filter, setFilter] = useState<Filter>(null)
  const tiles = useMemo(() => {
    const out: Tile[] = extensions.map((ext) => {
      const summary = summarize(byExt[extKey(ext)])
      const call = summary.call
      const look: Look = isEscalated(call, now, afterSec) ? 'overdue' : summary.state
      const waited = call ? waitingMs(call, now) : null
      const since = call && call.endedAt === undefined ? (waited !== null ? now - waited : call.statusSince) : undefined
      return { ext, look, call, label: tileLabel(ext, summary, look === 'overdue'), since }
    })
    return out.sort((a, b) => ORDER[a.look] - ORDER[b.look] || (a.since ?? 0) - (b.since ?? 0))
  }, [extensions, byExt, now, afterSec])
  const counts = useMemo(() => {
    const c: Record<Look, number> = { overdue: 0, ringing: 0, connected: 0, busy: 0, ended: 0, idle: 0 }
    let longest = 0
    for (const t of tiles) {
      c[t.look === 'ended' ? 'idle' : t.look]++
      const w = t.call ? waitingMs(t.call, now) : null
      if (w !== null) longest = Math.max(longest, w)
    }
    return { ...c, ringing: c.ringing + c.overdue, longest }
  }, [tiles, now])
  const shown = filter
    ? tiles.filter((t) =>
        filter === 'idle'
          ? t.look === 'idle' || t.look === 'ended'
          : t.look === filter || (filter === 'ringing' && t.look === 'overdue'),
      )
    : tiles
  const { ref, box } = useBox()
  const fit = fitTiles(shown.length, box.w, box.h - 56, GAP)
  const font = Math.max(11, Math.min(72, fit.tileH / 3.6, fit.tileW / 6))
  const toggle = (f: Look) => setFilter((was) => (was === f ? null : f))
  const count = (f: Look, n: number, cls: string) => (
    <button
      type="button"
      aria-pressed={filter === f}
      onClick={() => toggle(f)}
      className={`rounded-md px-3 py-1 font-semibold aria-pressed:ring-4 aria-pressed:ring-sky-500 ${cls}`}
    >
      {n} {WORDS[f]}
    </button>
  )
  return (
    <section aria-label="Wall screen" ref={ref} className="flex flex-col gap-2" style={{ height: box.h || undefined }}>
      <div className="flex h-12 shrink-0 flex-wrap items-center gap-2 overflow-hidden text-lg">
        {count('ringing', counts.ringing, looks.ringing)}
        {count('overdue', counts.overdue, counts.overdue ? looks.overdue : looks.idle)}
        {count('connected', counts.connected, looks.connected)}
        {counts.busy > 0 && count('busy', counts.busy, looks.busy)}
        {count('idle', counts.idle, looks.idle)}
        <span className="font-semibold tabular-nums">Longest wait {formatDuration(counts.longest)}</span>
        {filter && (
          <button type="button" onClick={() => setFilter(null)} className="rounded-md border px-3 py-1">
            Show all {tiles.length}
          </button>
        )}
      </div>
      <ul
        aria-label="Extensions"
        className="grid min-h-0 flex-1"
        style={{
          gap: GAP,
          gridTemplateColumns: `repeat(${fit.cols}, minmax(0, 1fr))`,
          gridTemplateRows: `repeat(${fit.rows}, minmax(0, 1fr))`,
          fontSize: font,
        }}
      >
        {shown.map((t) => (
          <li key={t.ext} data-ext={t.ext} data-state={t.look} className="min-h-0 min-w-0">
            <button
              type="button"
              aria-label={t.label}
              onClick={() => toggle(t.look === 'ended' ? 'idle' : t.look)}
              className={`flex size-full flex-col justify-between overflow-hidden rounded-md border border-l-8 px-[0.4em] py-[0.15em] text-left leading-tight ${looks[t.look]}`}
            >
              <span className="flex w-full justify-between gap-[0.3em] font-bold tabular-nums">
                <span>{t.ext}</span>
                {t.look === 'overdue' && <span className="uppercase">Overdue</span>}
                <span className="ml-auto self-center text-[0.45em] font-semibold">
                  <ExtensionExtraSlot ext={t.ext} />
                </span>
              </span>
              {t.call && t.look !== 'idle' && t.look !== 'ended' && (
                <>
                  <span className="w-full truncate font-semibold">{t.call.callerId || 'Unknown caller'}</span>
                  <span className="tabular-nums">{t.since !== undefined && formatDuration(now - t.since)}</span>
                </>
              )}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}
