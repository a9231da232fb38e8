import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { useNow } from '../../lib/use-now.ts'
import { extKey } from '../calls/call-model.ts'
import { isEscalated, waitingMs } from '../calls/escalation.ts'
import { useFeed } from '../calls/feed-store.ts'
import { nameOf, useExtensionNames } from '../session/extension-names.ts'
import { useSettings } from '../settings/settings-store.ts'
import { summarize, tileLabel } from './grid-model.ts'
import { fitTiles } from './wall-layout.ts'
import { WallCountsRow, type WallCounts } from './wall-counts.tsx'
import { TILE_LINES_EM, TILE_WIDTH_EM, WallTile, type Look, type WallTileData } from './wall-tile.tsx'

// Busy first: what needs a supervisor's eye is top left.
const ORDER: Record<Look, number> = { overdue: 0, ringing: 1, connected: 2, busy: 3, ended: 4, idle: 5 }
const GAP = 6

/** The size of an element, followed as it changes. */
function useSize<T extends HTMLElement>() {
  const ref = useRef<T>(null)
  const [size, setSize] = useState({ w: 0, h: 0 })
  useLayoutEffect(() => {
    const el = ref.current
    if (!el) return
    const measure = () => setSize({ w: el.clientWidth, h: el.clientHeight })
    measure()
    const ro = new ResizeObserver(measure)
    ro.observe(el)
    return () => ro.disconnect()
  }, [])
  return { ref, size }
}

/** The section's height: from its top to the bottom of the window (the wall never scrolls). */
function useFillHeight() {
  const ref = useRef<HTMLElement>(null)
  const [h, setH] = useState(0)
  useLayoutEffect(() => {
    const measure = () => {
      const el = ref.current
      // Below it only the page's bottom padding and a little slack.
      if (el) setH(Math.max(160, window.innerHeight - el.getBoundingClientRect().top - 20))
    }
    measure()
    window.addEventListener('resize', measure)
    const ro = new ResizeObserver(measure)
    ro.observe(document.body)
    return () => {
      window.removeEventListener('resize', measure)
      ro.disconnect()
    }
  }, [])
  return { ref, h }
}

/**
 * The wall screen: every extension's tile on one screen (up to ~300 at 1920×1080), busy ones first,
 * each saying who, the state in symbol and word, how long and the caller, set as large as the
 * screen allows with every line whole; counts (with overdue and the longest wait) filter by state.
 */
export default function WallView({ extensions }: { extensions: readonly string[] }) {
  const byExt = useFeed((s) => s.model.byExt)
  const now = useNow()
  const afterSec = useSettings((s) => s.escalateAfterSec)
  const names = useExtensionNames()
  const [filter, setFilter] = useState<Look | null>(null)
  const tiles = useMemo(() => {
    const out: WallTileData[] = extensions.map((ext) => {
      const summary = summarize(byExt[extKey(ext)])
      const call = summary.call
      const look: Look = isEscalated(call, now, afterSec) ? 'overdue' : summary.state
      const waited = call ? waitingMs(call, now) : null
      const since = call && call.endedAt === undefined ? (waited !== null ? now - waited : call.statusSince) : undefined
      const name = nameOf(names, ext)
      const label = tileLabel(ext, summary, look === 'overdue')
      return { ext, look, call, since, name, label: name ? label.replace(ext, `${ext} (${name})`) : label }
    })
    return out.sort((a, b) => ORDER[a.look] - ORDER[b.look] || (a.since ?? 0) - (b.since ?? 0))
  }, [extensions, byExt, now, afterSec, names])
  const counts = useMemo(() => {
    const c: WallCounts = { overdue: 0, ringing: 0, connected: 0, busy: 0, ended: 0, idle: 0, longest: 0 }
    for (const t of tiles) {
      c[t.look === 'ended' ? 'idle' : t.look]++
      const w = t.call ? waitingMs(t.call, now) : null
      if (w !== null) c.longest = Math.max(c.longest, w)
    }
    return { ...c, ringing: c.ringing + c.overdue }
  }, [tiles, now])
  const shown = filter
    ? tiles.filter((t) =>
        filter === 'idle'
          ? t.look === 'idle' || t.look === 'ended'
          : t.look === filter || (filter === 'ringing' && t.look === 'overdue'),
      )
    : tiles
  const { ref: sectionRef, h: sectionH } = useFillHeight()
  const { ref, size } = useSize<HTMLUListElement>()
  const fit = fitTiles(shown.length, size.w, size.h, GAP, TILE_WIDTH_EM / TILE_LINES_EM)
  // As large as the tile allows for every line whole; no floor (a floor is what cut the caller).
  const font = Math.min(72, (fit.tileH - 4) / TILE_LINES_EM, (fit.tileW - 10) / TILE_WIDTH_EM)
  // A tile's click filters by its state (an ended call's tile counts as idle); the same again shows all.
  const toggle = useCallback((f: Look) => {
    const k = f === 'ended' ? 'idle' : f
    setFilter((was) => (was === k ? null : k))
  }, [])
  return (
    <section
      aria-label="Wall screen"
      ref={sectionRef}
      className="flex flex-col gap-2"
      style={{ height: sectionH || undefined }}
    >
      <WallCountsRow
        counts={counts}
        filter={filter}
        total={tiles.length}
        onToggle={toggle}
        onShowAll={() => setFilter(null)}
      />
      <ul
        ref={ref}
        aria-label="Extensions"
        className="grid min-h-0 flex-1"
        style={{
          gap: GAP,
          gridTemplateColumns: `repeat(${fit.cols}, minmax(0, 1fr))`,
          gridTemplateRows: `repeat(${fit.rows}, minmax(0, 1fr))`,
          fontSize: Math.max(1, font),
        }}
      >
        {shown.map((t) => (
          <WallTile key={t.ext} tile={t} now={now} onPick={toggle} />
        ))}
      </ul>
    </section>
  )
}
