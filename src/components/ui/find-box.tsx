import { useId } from 'react'

/** A filter over a long list (the agent view's columns, the grid's tiles), with how much of it shows. */
export function FindBox({
  query,
  onChange,
  count,
  label = 'Find extension or caller',
}: {
  query: string
  onChange: (q: string) => void
  /** Left out where the view says it already (the grid's counts). */
  count?: { shown: number; of: number }
  label?: string
}) {
  const id = useId()
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <label htmlFor={id} className="font-medium">
        {label}
      </label>
      <input
        id={id}
        type="search"
        value={query}
        onChange={(e) => onChange(e.target.value)}
        placeholder="e.g. 410 or 0298"
        className="w-56 rounded-md border border-slate-400 bg-white px-2 py-1.5 dark:border-slate-500 dark:bg-slate-800"
      />
      {count && (
        <span className="text-slate-600 dark:text-slate-300">
          showing {count.shown} of {count.of}
        </span>
      )}
    </div>
  )
}
