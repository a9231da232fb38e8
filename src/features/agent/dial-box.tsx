import { useEffect, type FormEvent } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { useAgent } from './agent-store.ts'
import { numberFromTelLink } from './dial.ts'
import { commands, useCommandState, useSend } from './commands.ts'
import { DIAL_ERROR_ID, useDialError } from './agent-message.ts'

export const DIAL_INPUT_ID = 'dial-number'

/** `?dial=` (what the tel: handler opens) pre-fills the box; the agent still presses Dial. */
function useDialFromUrl() {
  useEffect(() => {
    const url = new URL(window.location.href)
    const raw = url.searchParams.get('dial')
    if (raw === null) return
    useAgent.getState().dialInputChanged(numberFromTelLink(raw))
    url.searchParams.delete('dial')
    window.history.replaceState(null, '', url.toString().replace(/%2C/g, ','))
    document.getElementById(DIAL_INPUT_ID)?.focus()
  }, [])
}

export function DialBox() {
  const value = useAgent((s) => s.dialInput)
  const changed = useAgent((s) => s.dialInputChanged)
  const send = useSend()
  const state = useCommandState(commands.dial())
  useDialFromUrl()
  const submit = (e: FormEvent) => {
    e.preventDefault()
    send(commands.dial(), value)
  }
  const error = useDialError()
  const sending = state?.status === 'pending'
  return (
    <form onSubmit={submit} noValidate className="flex items-center gap-2">
      <label htmlFor={DIAL_INPUT_ID} className="text-sm font-medium">
        Number to dial
      </label>
      <input
        id={DIAL_INPUT_ID}
        type="tel"
        autoComplete="tel"
        value={value}
        onChange={(e) => changed(e.target.value)}
        placeholder="e.g. 02 9876 5432"
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? DIAL_ERROR_ID : undefined}
        className="w-36 min-w-0 rounded-md sm:w-44 border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800"
      />
      <Button type="submit" variant="primary" className="min-w-20" disabled={sending}>
        {sending ? 'Dialling…' : 'Dial'}
      </Button>
    </form>
  )
}
