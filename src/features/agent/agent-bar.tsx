import { lazy, Suspense, useState } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { SoundToggle } from '../alerts/sound-toggle.tsx'
import { useRights } from '../session/session-store.ts'
import { useAgent } from './agent-store.ts'
import { DialBox } from './dial-box.tsx'
import { useShortcuts } from './use-shortcuts.ts'

// Fetched the first time someone asks for it, then kept (the dialog hands focus back on close).
const ShortcutsDialog = lazy(() => import('./shortcuts-dialog.tsx').then((m) => ({ default: m.ShortcutsDialog })))

/** The agent's own tools above the columns: dial box, sound, shortcuts. */
export function AgentBar() {
  useShortcuts()
  const toggled = useAgent((s) => s.helpToggled)
  const helpOpen = useAgent((s) => s.helpOpen)
  const [helpWanted, setHelpWanted] = useState(false)
  if (helpOpen && !helpWanted) setHelpWanted(true)
  const rights = useRights()
  return (
    <div className="flex flex-wrap items-start gap-3 rounded-xl bg-white p-3 shadow-sm dark:bg-slate-900">
      {(rights.all || rights.act.length > 0) && <DialBox />}
      <div className="ml-auto flex items-center gap-2">
        <SoundToggle />
        <Button onClick={() => toggled(true)} aria-keyshortcuts="?">
          Keyboard shortcuts
        </Button>
      </div>
      {helpWanted && (
        <Suspense>
          <ShortcutsDialog />
        </Suspense>
      )}
    </div>
  )
}
