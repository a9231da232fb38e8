import { useAgent } from './agent-store.ts'
import { commandError, commands, useCommandState } from './commands.ts'
import { DIAL_ERROR_ID } from './dial-box.tsx'

export interface AgentMessage {
  text: string
  /** Something went wrong (said as an alert); else a polite note. */
  alert: boolean
  /** The element id a control's aria-describedby points to. */
  id?: string
}

/** What the agent's own actions have to say now: a dial's error or progress, a keyboard hint. */
export function useAgentMessage(): AgentMessage | null {
  const dial = useCommandState(commands.dial())
  const overAt = useAgent((s) => s.dialOverAt)
  const hint = useAgent((s) => s.hint)
  const error = commandError(dial, 'dial')
  if (error) return { text: error, alert: true, id: DIAL_ERROR_ID }
  if (hint) return { text: hint, alert: false }
  if (dial?.status === 'success' && dial.data && dial.submittedAt !== overAt)
    return {
      text: `Calling ${dial.data.number} from ${dial.data.from}: your handset picks up by itself.`,
      alert: false,
    }
  return null
}
