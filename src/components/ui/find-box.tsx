import { useId } from 'react'

/** A filter over a long list, with how much of it shows. */
export function FindBox({
  query,
  onChange,
  shown,
  of,
  label = 'Find extension or caller',
}: {
  query: string
  onChange: (q: string) => void
  shown: number
  of: number
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
        className="w-48 rounded-md border border-slate-400 bg-white px-2 py-1.5 dark:border-slate-500 dark:bg-slate-800"
      />
      <span className="text-slate-600 dark:text-slate-300">
        showing {shown} of {of}
      </span>
    </div>
  )
}
