import { useLayoutEffect, useState } from 'react'
import { Button } from '../components/ui/button.tsx'
import { ConnectionStatus } from '../features/calls/connection-status.tsx'
import { useFeed, useFeedTrust } from '../features/calls/feed-store.ts'
import { ExtensionsForm } from '../features/settings/extensions-form.tsx'
import { SettingsPanel } from './settings-panel.tsx'
import { chooseExtensions, useUrlNotice } from '../features/settings/watched-extensions.ts'
import { AgentBar } from '../features/agent/agent-bar.tsx'
import { AgentColumns } from '../features/agent/agent-columns.tsx'
import { AgentDriver } from '../features/agent/agent-driver.tsx'
import { useShownExtensions } from '../features/calls/my-extensions.ts'
import { DiagnosticsPanel } from '../features/calls/diagnostics-panel.tsx'
import { SupervisorGrid } from '../features/supervisor/supervisor-grid.tsx'
import { useView } from '../features/settings/view-mode.ts'
import { ViewSwitch } from '../features/supervisor/view-switch.tsx'
import { startTheme } from '../features/theme/theme.ts'
import { LocalDeveloperBanner, UserMenu } from '../features/session/user-menu.tsx'
import { FeedDriver } from './feed-driver.tsx'
import { RingingAnnouncer } from './ringing-announcer.tsx'

function Notice() {
  const notice = useFeed((s) => s.notice)
  const dismiss = useFeed((s) => s.noticeDismissed)
  if (!notice) return null
  return (
    <div className="flex items-center gap-3 rounded-md bg-sky-100 px-3 py-2 text-sm text-sky-950 dark:bg-sky-950 dark:text-sky-100">
      <span>{notice}</span>
      <Button variant="ghost" onClick={dismiss}>
        Dismiss
      </Button>
    </div>
  )
}

/** While the feed is down: the calls on screen are as last heard, and say so. */
function StaleNote() {
  const stale = useFeedTrust() === 'stale'
  const at = useFeed((s) => s.lastReplyAt)
  if (!stale) return null
  return (
    <p className="rounded-md bg-amber-100 px-3 py-2 text-sm text-amber-950 dark:bg-amber-950 dark:text-amber-50">
      Not updating: calls below are as the PBX last reported them, at {new Date(at).toLocaleTimeString()}. They may have
      changed since.
    </p>
  )
}

export function App() {
  const extensions = useShownExtensions()
  const urlError = useUrlNotice()
  const [settingsOpen, setSettingsOpen] = useState(false)
  const [diagnosticsOpen, setDiagnosticsOpen] = useState(false)
  const view = useView()
  // Before paint, so a dark-theme user never sees a white flash.
  useLayoutEffect(() => startTheme(), [])

  return (
    <div className="flex min-h-screen flex-col gap-3 p-4">
      <FeedDriver extensions={extensions} />
      <RingingAnnouncer />
      <AgentDriver />
      <header className="flex flex-wrap items-center gap-4">
        <h1 className="text-xl font-bold">Switchboard</h1>
        <ConnectionStatus watching={extensions.length} />
        <div className="ml-auto flex flex-wrap items-center gap-2">
          <ViewSwitch />
          <UserMenu />
          <Button onClick={() => setDiagnosticsOpen((o) => !o)} aria-expanded={diagnosticsOpen}>
            Diagnostics
          </Button>
          <Button onClick={() => setSettingsOpen((o) => !o)} aria-expanded={settingsOpen}>
            Settings
          </Button>
        </div>
      </header>
      <LocalDeveloperBanner />
      {urlError && (
        <p
          role="alert"
          className="rounded-md bg-red-100 px-3 py-2 text-sm text-red-900 dark:bg-red-950 dark:text-red-100"
        >
          {urlError}
        </p>
      )}
      <Notice />
      {extensions.length > 0 && <StaleNote />}
      {settingsOpen && <SettingsPanel onClose={() => setSettingsOpen(false)} />}
      {diagnosticsOpen && <DiagnosticsPanel onClose={() => setDiagnosticsOpen(false)} />}
      {view === 'agent' && <AgentBar />}
      <main className="flex flex-1 flex-col gap-3">
        {extensions.length === 0 ? (
          <div className="max-w-md rounded-xl bg-white p-4 shadow-sm dark:bg-slate-900">
            <p className="mb-3 text-sm">Choose the extensions to watch.</p>
            <ExtensionsForm label="Extensions to watch" initial={[]} onSave={chooseExtensions} />
          </div>
        ) : view === 'grid' ? (
          <SupervisorGrid extensions={extensions} />
        ) : (
          <AgentColumns extensions={extensions} />
        )}
      </main>
    </div>
  )
}
