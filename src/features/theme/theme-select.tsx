import { useId } from 'react'
import { useSettings, type Theme } from '../settings/settings-store.ts'

const OPTIONS: { value: Theme; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

export function ThemeSelect() {
  const theme = useSettings((s) => s.theme)
  const changed = useSettings((s) => s.settingsChanged)
  const id = useId()
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        Theme
      </label>
      <select
        id={id}
        value={theme}
        onChange={(e) => changed({ theme: e.target.value as Theme })}
        className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800"
      >
        {OPTIONS.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  )
}
