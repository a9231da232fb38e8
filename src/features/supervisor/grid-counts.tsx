import { useFeedTrust } from '../calls/feed-store.ts'
import { useGridCounts } from './use-grid.ts'

export function GridCounts({ exts, shown }: { exts: readonly string[]; shown: number }) {
  const c = useGridCounts(exts)
  const trust = useFeedTrust()
  const item = 'rounded px-2 py-0.5 font-semibold'
  if (trust === 'waiting')
    return (
      <p className="text-sm text-slate-600 dark:text-slate-300">
        Counts once the PBX answers · showing {shown} of {exts.length}
      </p>
    )
  return (
    <ul aria-label="Extension counts" className="flex flex-wrap items-center gap-2 text-sm">
      {trust === 'stale' && <li className="font-semibold">As last heard:</li>}
      <li className={`${item} bg-amber-100 text-amber-950 dark:bg-amber-950 dark:text-amber-50`}>
        {c.ringing} ringing
      </li>
      <li className={`${item} bg-emerald-100 text-emerald-950 dark:bg-emerald-950 dark:text-emerald-50`}>
        {c.connected} connected
      </li>
      {c.busy > 0 && (
        <li className={`${item} bg-sky-100 text-sky-950 dark:bg-sky-950 dark:text-sky-50`}>{c.busy} other</li>
      )}
      <li className={`${item} bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-100`}>{c.idle} idle</li>
      <li className="text-slate-600 dark:text-slate-300">
        showing {shown} of {exts.length}
      </li>
    </ul>
  )
}
