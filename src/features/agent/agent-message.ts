import { useAgent } from './agent-store.ts'
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
  const dial = useAgent((s) => s.dial)
  const hint = useAgent((s) => s.hint)
  if (dial.state === 'error') return { text: dial.message, alert: true, id: DIAL_ERROR_ID }
  if (hint) return { text: hint, alert: false }
  if (dial.state === 'sent')
    return { text: `Calling ${dial.number} from ${dial.from}: your handset picks up by itself.`, alert: false }
  return null
}
