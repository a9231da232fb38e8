import { useId, useState, type Ref } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { AlertSettings } from '../alerts/alert-settings.tsx'
import { ExtensionsForm } from '../settings/extensions-form.tsx'
import { useSettings } from '../settings/settings-store.ts'

function TelLinks() {
  const [result, setResult] = useState<string | null>(null)
  const supported = typeof navigator.registerProtocolHandler === 'function'
  const register = () => {
    try {
      navigator.registerProtocolHandler('tel', `${window.location.origin}/?dial=%s`)
      setResult('Asked the browser: accept its prompt, and tel: links will open here with the number filled in.')
    } catch (e) {
      setResult(`The browser refused: ${e instanceof Error ? e.message : String(e)}`)
    }
  }
  return (
    <div className="flex flex-col gap-1 text-sm">
      <div>
        <Button onClick={register} disabled={!supported}>
          Open tel: links in Switchboard
        </Button>
      </div>
      <p aria-live="polite" className="empty:hidden">
        {supported ? result : 'This browser cannot open tel: links in a web app.'}
      </p>
    </div>
  )
}

/** The agent's own settings: my extensions, login name for recordings, alerts, tel: links. */
export function AgentSettings({ mineRef }: { mineRef?: Ref<HTMLInputElement> }) {
  const mine = useSettings((s) => s.myExtensions)
  const login = useSettings((s) => s.agentLoginName)
  const changed = useSettings((s) => s.settingsChanged)
  const loginId = useId()
  return (
    <>
      <ExtensionsForm
        key={mine.join(',')}
        label="My extensions (calls I answer: shown first, alerted, kept in history)"
        initial={mine}
        submitLabel="Save"
        inputRef={mineRef}
        onSave={(myExtensions) => changed({ myExtensions })}
      />
      <div className="flex flex-col gap-1">
        <label htmlFor={loginId} className="text-sm font-medium">
          Agent login name (owner of my recordings)
        </label>
        <input
          id={loginId}
          value={login}
          onChange={(e) => changed({ agentLoginName: e.target.value })}
          autoComplete="username"
          className="rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800"
        />
      </div>
      <AlertSettings />
      <TelLinks />
    </>
  )
}
