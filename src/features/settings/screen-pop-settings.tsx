import { useId, useState } from 'react'
import { CALLER_PLACEHOLDER, templateProblem } from './screen-pop.ts'
import { useSettings } from './settings-store.ts'

/** The screen pop's address template: kept as typed, used (applied) only once it is a valid http(s) one. */
export function ScreenPopSettings() {
  const stored = useSettings((s) => s.screenPopUrl)
  const changed = useSettings((s) => s.settingsChanged)
  const [draft, setDraft] = useState(stored)
  const id = useId()
  const problem = templateProblem(draft)
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        CRM page for a caller (screen pop)
      </label>
      <input
        id={id}
        type="url"
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value)
          if (!templateProblem(e.target.value)) changed({ screenPopUrl: e.target.value.trim() })
        }}
        placeholder={`https://crm.example.com/search?phone=${CALLER_PLACEHOLDER}`}
        aria-invalid={problem ? true : undefined}
        aria-describedby={`${id}-hint`}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800"
      />
      <p
        id={`${id}-hint`}
        className={`text-sm ${problem ? 'text-red-700 dark:text-red-300' : 'text-slate-600 dark:text-slate-300'}`}
      >
        {problem ??
          `Ringing and answered calls get a link to this page, ${CALLER_PLACEHOLDER} replaced by the caller's number. Empty: no link.`}
      </p>
    </div>
  )
}
