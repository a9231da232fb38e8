import { lazy, Suspense, useLayoutEffect, useRef, useState } from 'react'
import { Button } from '../components/ui/button.tsx'
import { ConnectionStatus } from '../features/calls/connection-status.tsx'
import { ExtensionsForm } from '../features/settings/extensions-form.tsx'
import { chooseExtensions } from '../features/settings/watched-extensions.ts'
import { AgentBar } from '../features/agent/agent-bar.tsx'
import { AgentColumns } from '../features/agent/agent-columns.tsx'
import { AgentDriver } from '../features/agent/agent-driver.tsx'
import { useShownExtensions } from '../features/calls/my-extensions.ts'
import { useKiosk, useView } from '../features/settings/view-mode.ts'
import { ViewSwitch } from '../features/supervisor/view-switch.tsx'
import { startTheme } from '../features/theme/theme.ts'
import { LocalDeveloperBanner, UserMenu } from '../features/session/user-menu.tsx'
import { FirstRunPrompt } from '../features/agent/first-run-prompt.tsx'
import { ReportsButton } from '../features/reports/reports-button.tsx'
import { FeedDriver } from './feed-driver.tsx'
import { KioskWall } from './kiosk-wall.tsx'
import { MessageLine } from './message-line.tsx'
import { RingingAnnouncer } from './ringing-announcer.tsx'
import type { SettingsSection } from './settings-panel.tsx'

// Opened now and then: loaded when first opened, not with the calls.
const SettingsPanel = lazy(() => import('./settings-panel.tsx'))
// The grid is a supervisor's view: an agent's first load does not fetch it.
const SupervisorGrid = lazy(() =>
  import('../features/supervisor/supervisor-grid.tsx').then((m) => ({ default: m.SupervisorGrid })),
)
const WallView = lazy(() => import('../features/supervisor/wall-view.tsx'))
// A supervisor's: the report (and its chart library) and the tiles' figures load with their views.
const ReportsView = lazy(() => import('../features/reports/reports-view.tsx'))
const LiveFigures = lazy(() => import('../features/reports/live-figures.tsx').then((m) => ({ default: m.LiveFigures })))
const DiagnosticsPanel = lazy(() =>
  import('../features/calls/diagnostics-panel.tsx').then((m) => ({ default: m.DiagnosticsPanel })),
)

export function App() {
  const extensions = useShownExtensions()
  // Closed, open at the top ('top'), or open at a section with its field focused.
  const [settings, setSettings] = useState<null | 'top' | SettingsSection>(null)
  const settingsButton = useRef<HTMLButtonElement>(null)
  const settingsClosed = () => {
    setSettings(null)
    // The dialog gave focus back to what opened it; when that is gone (the first-run note, once set), to Settings.
    if (document.activeElement === document.body) settingsButton.current?.focus()
  }
  const [diagnosticsOpen, setDiagnosticsOpen] = useState(false)
  const view = useView()
  // Before paint, so a dark-theme user never sees a white flash.
  useLayoutEffect(() => startTheme(), [])
  const kiosk = useKiosk()
  if (kiosk && extensions.length > 0)
    return (
      <>
        <FeedDriver extensions={extensions} />
        <AgentDriver />
        <KioskWall extensions={extensions} />
      </>
    )

  return (
    <div className="flex min-h-screen flex-col gap-3 p-3 sm:p-4">
      <FeedDriver extensions={extensions} />
      <RingingAnnouncer />
      <AgentDriver />
      <header className="flex flex-col gap-2">
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <h1 className="text-xl font-bold">Switchboard</h1>
          <div className="ml-auto flex flex-wrap items-center gap-2">
            <ViewSwitch />
            <ReportsButton />
            <UserMenu />
            <Button onClick={() => setDiagnosticsOpen((o) => !o)} aria-expanded={diagnosticsOpen}>
              Diagnostics
            </Button>
            <Button
              ref={settingsButton}
              onClick={() => setSettings((o) => (o ? null : 'top'))}
              aria-expanded={settings !== null}
            >
              Settings
            </Button>
          </div>
        </div>
        {/* One row: a message sits beside the status, not on a line of its own kept empty the rest of the time. */}
        <div className="flex min-h-8 flex-wrap items-center gap-x-3 gap-y-1">
          <ConnectionStatus watching={extensions.length} />
          <MessageLine />
        </div>
      </header>
      <Suspense>
        {settings && <SettingsPanel onClose={settingsClosed} at={settings === 'top' ? undefined : settings} />}
        {diagnosticsOpen && <DiagnosticsPanel onClose={() => setDiagnosticsOpen(false)} />}
      </Suspense>
      <LocalDeveloperBanner />
      {view === 'agent' && <FirstRunPrompt onSetUp={() => setSettings('my-extensions')} />}
      {view === 'agent' && <AgentBar />}
      <main className="flex flex-1 flex-col gap-3">
        {view === 'reports' ? (
          <Suspense>
            <ReportsView />
          </Suspense>
        ) : extensions.length === 0 ? (
          <div className="max-w-md rounded-xl bg-white p-4 shadow-sm dark:bg-slate-900">
            <p className="mb-3 text-sm">Choose the extensions to watch.</p>
            <ExtensionsForm label="Extensions to watch" initial={[]} onSave={chooseExtensions} />
          </div>
        ) : view === 'wall' ? (
          <Suspense>
            <LiveFigures>
              <WallView extensions={extensions} />
            </LiveFigures>
          </Suspense>
        ) : view === 'grid' ? (
          <Suspense>
            <LiveFigures>
              <SupervisorGrid extensions={extensions} />
            </LiveFigures>
          </Suspense>
        ) : (
          <AgentColumns extensions={extensions} />
        )}
      </main>
    </div>
  )
}
