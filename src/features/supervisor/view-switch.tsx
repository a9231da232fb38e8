import type { View } from '../settings/settings-store.ts'
import { chooseView, useView } from '../settings/view-mode.ts'

const VIEWS: { value: View; label: string }[] = [
  { value: 'agent', label: 'Agent view' },
  { value: 'grid', label: 'Grid view' },
  { value: 'wall', label: 'Wall' },
]

/** Two toggle buttons: the pressed one is the view on screen. */
export function ViewSwitch() {
  const view = useView()
  return (
    <div
      role="group"
      aria-label="View"
      className="inline-flex rounded-md border border-slate-400 p-0.5 dark:border-slate-500"
    >
      {VIEWS.map((v) => (
        <button
          key={v.value}
          type="button"
          aria-pressed={view === v.value}
          onClick={() => chooseView(v.value)}
          className="rounded px-3 py-1 text-sm font-medium text-slate-800 hover:bg-slate-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 aria-pressed:bg-slate-800 aria-pressed:text-white dark:text-slate-100 dark:hover:bg-slate-700 dark:aria-pressed:bg-slate-100 dark:aria-pressed:text-slate-900"
        >
          {v.label}
        </button>
      ))}
    </div>
  )
}
