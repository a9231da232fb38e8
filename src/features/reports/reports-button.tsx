import { useSessionUser } from '../session/session-store.ts'
import { openReports, useView } from '../settings/view-mode.ts'

/** Beside the view buttons, for supervisors only (the server refuses reports to anyone else). */
export function ReportsButton() {
  const supervisor = useSessionUser()?.supervisor === true
  const open = useView() === 'reports'
  if (!supervisor) return null
  return (
    <button
      type="button"
      aria-pressed={open}
      onClick={openReports}
      className="rounded-md border border-slate-400 px-3 py-1 text-sm font-medium text-slate-800 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 aria-pressed:bg-slate-800 aria-pressed:text-white dark:border-slate-500 dark:text-slate-100 dark:hover:bg-slate-700 dark:aria-pressed:bg-slate-100 dark:aria-pressed:text-slate-900"
    >
      Reports
    </button>
  )
}
