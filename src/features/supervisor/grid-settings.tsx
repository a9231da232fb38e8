import { useId, useState } from 'react'
import { useSettings, type View } from '../settings/settings-store.ts'
import { chooseView, useView } from '../settings/view-mode.ts'

const MIN_SEC = 5
const MAX_SEC = 3600

/** The view shown, and when a waiting call turns the escalation colour. */
export function GridSettings() {
  const view = useView()
  const afterSec = useSettings((s) => s.escalateAfterSec)
  const changed = useSettings((s) => s.settingsChanged)
  // Only an invalid entry lives here; a valid one is saved at once.
  const [draft, setDraft] = useState<string | null>(null)
  const viewId = useId()
  const escId = useId()
  const field =
    'rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800'
  const onEscalation = (text: string) => {
    const n = Number(text)
    if (text.trim() !== '' && Number.isInteger(n) && n >= MIN_SEC && n <= MAX_SEC) {
      changed({ escalateAfterSec: n })
      setDraft(null)
    } else setDraft(text)
  }
  return (
    <>
      <div className="flex flex-col gap-1">
        <label htmlFor={viewId} className="text-sm font-medium">
          View
        </label>
        <select id={viewId} value={view} onChange={(e) => chooseView(e.target.value as View)} className={field}>
          <option value="agent">Agent columns</option>
          <option value="grid">Supervisor grid</option>
          <option value="wall">Wall screen (every tile fits)</option>
        </select>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor={escId} className="text-sm font-medium">
          Escalate a call waiting longer than (seconds)
        </label>
        <input
          id={escId}
          type="number"
          inputMode="numeric"
          min={MIN_SEC}
          max={MAX_SEC}
          value={draft ?? String(afterSec)}
          onChange={(e) => onEscalation(e.target.value)}
          aria-invalid={draft !== null ? true : undefined}
          aria-describedby={draft !== null ? `${escId}-error` : undefined}
          className={`w-32 ${field}`}
        />
        {draft !== null && (
          <p id={`${escId}-error`} role="alert" className="text-sm text-red-700 dark:text-red-300">
            Enter whole seconds from {MIN_SEC} to {MAX_SEC}; {afterSec} s is still in use.
          </p>
        )}
      </div>
    </>
  )
}
