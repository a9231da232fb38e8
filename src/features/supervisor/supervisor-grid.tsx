import { useDeferredValue, useId, useState } from 'react'
import { ExtensionTile } from './extension-tile.tsx'
import { GridCounts } from './grid-counts.tsx'
import { useFilteredExtensions } from './use-grid.ts'

/** The wall-screen view: a compact tile per extension, a filter and the counts. */
export function SupervisorGrid({ extensions }: { extensions: readonly string[] }) {
  const [query, setQuery] = useState('')
  // Typing stays responsive while a thousand tiles re-filter behind it.
  const deferred = useDeferredValue(query)
  const shown = useFilteredExtensions(extensions, deferred)
  const filterId = useId()
  return (
    <section aria-label="Supervisor grid" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-end gap-4">
        <div className="flex flex-col gap-1">
          <label htmlFor={filterId} className="text-sm font-medium">
            Filter by extension or caller
          </label>
          <input
            id={filterId}
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="e.g. 410 or 0298"
            className="w-64 rounded-md border border-slate-400 bg-white px-2 py-1.5 text-sm dark:border-slate-500 dark:bg-slate-800"
          />
        </div>
        <GridCounts exts={extensions} shown={shown.length} />
      </div>
      {shown.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">No extension or caller matches “{deferred}”.</p>
      ) : (
        <ul role="list" aria-label="Extensions" className="grid grid-cols-[repeat(auto-fill,minmax(9.5rem,1fr))] gap-2">
          {shown.map((ext) => (
            <ExtensionTile key={ext} ext={ext} />
          ))}
        </ul>
      )}
    </section>
  )
}
