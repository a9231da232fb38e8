import { useDeferredValue, useState } from 'react'
import { FindBox } from '../../components/ui/find-box.tsx'
import { Rehearsal } from '../../components/ui/rehearsal.tsx'
import { isOnScreen, useWindowedRows, windowPadding } from '../../components/ui/windowed-rows.tsx'
import { SAMPLE_CALLS } from '../calls/sample-calls.ts'
import { ExtensionTile, TileView } from './extension-tile.tsx'
import { GridCounts } from './grid-counts.tsx'
import { useFilteredExtensions } from '../calls/extension-filter.ts'

/** Tiles 9.5rem wide or more, 4.75rem high, 0.5rem apart (the windowing's figures below). */
const TILE_GRID = 'grid auto-rows-[4.75rem] grid-cols-[repeat(auto-fill,minmax(9.5rem,1fr))] gap-2'

/**
 * The tiles, windowed: only the rows on or next to the screen are in the DOM (a thousand tiles
 * cost a screenful); each says its place in the whole list to assistive technology.
 */
function TileList({ shown }: { shown: readonly string[] }) {
  const { ref, perRow, v, windowed } = useWindowedRows<HTMLUListElement>({
    count: shown.length,
    itemRem: 9.5,
    gapRem: 0.5,
    rowRem: 5.25,
  })
  const rows = v.getVirtualItems()
  const first = windowed ? (rows[0]?.index ?? 0) * perRow : 0
  const end = windowed ? (rows.length ? rows[rows.length - 1].index + 1 : 0) * perRow : shown.length
  const pad = windowed ? windowPadding(v) : undefined
  return (
    <ul ref={ref} role="list" aria-label="Extensions" className={TILE_GRID} style={pad}>
      {shown.slice(first, end).map((ext, i) => (
        <ExtensionTile
          key={ext}
          ext={ext}
          position={first + i + 1}
          of={shown.length}
          onScreen={!windowed || isOnScreen(v.range, Math.floor((first + i) / perRow))}
        />
      ))}
    </ul>
  )
}

/** The tiles' rehearsal (see Rehearsal): one per state, before the first burst needs them. */
function TileRehearsal() {
  return (
    <Rehearsal>
      <ul className={TILE_GRID}>
        {SAMPLE_CALLS.map((call) => (
          <TileView key={call.id} ext="rehearsal" calls={[call]} />
        ))}
      </ul>
    </Rehearsal>
  )
}

/** The wall-screen view: a compact tile per extension, a filter and the counts. */
export function SupervisorGrid({ extensions }: { extensions: readonly string[] }) {
  const [query, setQuery] = useState('')
  // Typing stays responsive while a thousand tiles re-filter behind it.
  const deferred = useDeferredValue(query)
  const shown = useFilteredExtensions(extensions, deferred)
  return (
    <section aria-label="Supervisor grid" className="flex flex-col gap-3">
      {/* In view while scrolling a long grid: the filter and the counts are what a supervisor reaches for. */}
      <div className="sticky top-0 z-10 flex flex-wrap items-center gap-4 bg-slate-50/95 py-2 dark:bg-slate-950/95">
        <FindBox query={query} onChange={setQuery} label="Filter by extension or caller" />
        <GridCounts exts={extensions} shown={shown.length} />
      </div>
      {shown.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">No extension or caller matches “{deferred}”.</p>
      ) : (
        <TileList shown={shown} />
      )}
      <TileRehearsal />
    </section>
  )
}
