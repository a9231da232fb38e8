import { useId } from 'react'
import { AgentSettings } from '../features/agent/agent-settings.tsx'
import { Button } from '../components/ui/button.tsx'
import { HANDSETS, HANDSET_TYPES, type HandsetType } from '../features/pbx/handsets.ts'
import { GridSettings } from '../features/supervisor/grid-settings.tsx'
import { chooseView } from '../features/settings/view-mode.ts'
import { ThemeSelect } from '../features/theme/theme-select.tsx'
import { ExtensionsForm } from '../features/settings/extensions-form.tsx'
import { useSettings } from '../features/settings/settings-store.ts'
import { chooseExtensions, useWatchedExtensions } from '../features/settings/watched-extensions.ts'

export function SettingsPanel({ onClose }: { onClose: () => void }) {
  const watched = useWatchedExtensions()
  const handset = useSettings((s) => s.handset)
  const changed = useSettings((s) => s.settingsChanged)
  const reset = useSettings((s) => s.settingsReset)
  const handsetId = useId()
  return (
    <section
      aria-labelledby="settings-heading"
      className="flex flex-col gap-4 rounded-xl border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-700 dark:bg-slate-900"
    >
      <div className="flex items-center justify-between">
        <h2 id="settings-heading" className="text-lg font-semibold">
          Settings
        </h2>
        <Button variant="ghost" onClick={onClose}>
          Close settings
        </Button>
      </div>
      <ExtensionsForm key={watched.join(',')} label="Extensions to watch" initial={watched} onSave={chooseExtensions} />
      <div className="flex flex-col gap-1">
        <label htmlFor={handsetId} className="text-sm font-medium">
          Handset type (for Answer)
        </label>
        <select
          id={handsetId}
          value={handset}
          onChange={(e) => changed({ handset: e.target.value as HandsetType })}
          className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800"
        >
          {HANDSET_TYPES.map((h) => (
            <option key={h} value={h}>
              {HANDSETS[h].label}
            </option>
          ))}
        </select>
      </div>
      <AgentSettings />
      <ThemeSelect />
      <GridSettings />
      <div>
        <Button
          variant="secondary"
          onClick={() => {
            reset()
            chooseExtensions(useSettings.getState().extensions)
            chooseView(useSettings.getState().view)
          }}
        >
          Reset to defaults
        </Button>
      </div>
    </section>
  )
}
