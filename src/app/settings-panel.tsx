import { useEffect, useId, useRef, type ReactNode } from 'react'
import { AgentSettings } from '../features/agent/agent-settings.tsx'
import { Button } from '../components/ui/button.tsx'
import { Drawer, DrawerClose } from '../components/ui/drawer.tsx'
import { HANDSETS, HANDSET_TYPES, type HandsetType } from '../features/pbx/handsets.ts'
import { GridSettings } from '../features/supervisor/grid-settings.tsx'
import { chooseView } from '../features/settings/view-mode.ts'
import { ThemeSelect } from '../features/theme/theme-select.tsx'
import { ExtensionsForm } from '../features/settings/extensions-form.tsx'
import { ScreenPopSettings } from '../features/settings/screen-pop-settings.tsx'
import { useSettings } from '../features/settings/settings-store.ts'
import { chooseExtensions, useWatchedExtensions } from '../features/settings/watched-extensions.ts'

/** Where the drawer opens: at the top, or with a section's first field focused. */
export type SettingsSection = 'my-extensions'

function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId()
  return (
    <section aria-labelledby={id} className="flex flex-col gap-3 border-t border-slate-200 pt-3 dark:border-slate-700">
      <h3 id={id} className="text-base font-semibold">
        {title}
      </h3>
      {children}
    </section>
  )
}

function Handset() {
  const handset = useSettings((s) => s.handset)
  const changed = useSettings((s) => s.settingsChanged)
  const id = useId()
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        Handset type (for Answer)
      </label>
      <select
        id={id}
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
  )
}

/**
 * Settings in a drawer (a modal dialog at the side): opening it moves no call on the page. One rule
 * for every field: a change applies at once — a list of extensions once it is valid and you press
 * Enter, its button, or leave the box.
 */
export default function SettingsPanel({ onClose, at }: { onClose: () => void; at?: SettingsSection }) {
  const watched = useWatchedExtensions()
  const reset = useSettings((s) => s.settingsReset)
  const mine = useRef<HTMLInputElement>(null)
  // After the drawer's showModal (a child's effect runs first), which focuses its first control.
  useEffect(() => {
    if (at === 'my-extensions') mine.current?.focus()
  }, [at])
  return (
    <Drawer labelledBy="settings-heading" onClose={onClose}>
      <div className="flex flex-col gap-4">
        <div className="flex items-center justify-between">
          <h2 id="settings-heading" className="text-lg font-semibold">
            Settings
          </h2>
          <DrawerClose>Close settings</DrawerClose>
        </div>
        <p className="text-sm text-slate-700 dark:text-slate-300">
          Changes apply at once; a list of extensions when you press Enter or its button, or leave the box.
        </p>
        <Section title="Extensions">
          <ExtensionsForm
            key={watched.join(',')}
            label="Extensions to watch"
            initial={watched}
            onSave={chooseExtensions}
          />
          <AgentSettings mineRef={mine} />
        </Section>
        <Section title="Calls">
          <Handset />
          <ScreenPopSettings />
        </Section>
        <Section title="Display">
          <ThemeSelect />
          <GridSettings />
        </Section>
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
      </div>
    </Drawer>
  )
}
