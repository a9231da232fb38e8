import { useNow } from '../../lib/use-now.ts'
import { useAgent } from './agent-store.ts'
import { commandError, commands, useCommandState } from './commands.ts'

/** The message line says what went wrong with a dial; the dial box points to it. */
export const DIAL_ERROR_ID = 'dial-number-error'

export interface AgentMessage {
  text: string
  /** Something went wrong (said as an alert); else a polite note. */
  alert: boolean
  /** The element id a control's aria-describedby points to. */
  id?: string
}

/** The dial's error while the message line still says it (the next action, or time, clears it). */
export function useDialError(): string | undefined {
  const line = useAgent((s) => s.line)
  const error = commandError(useCommandState(commands.dial()), 'dial')
  const now = useNow(line.kind === 'dial' && error !== undefined)
  return line.kind === 'dial' && now < line.until ? error : undefined
}

/** What the agent's own latest action has to say now (see message-model.ts). */
export function useAgentMessage(): AgentMessage | null {
  const line = useAgent((s) => s.line)
  const dial = useCommandState(commands.dial())
  const overAt = useAgent((s) => s.dialOverAt)
  const dialError = useDialError()
  const now = useNow(line.kind === 'note')
  switch (line.kind) {
    case 'none':
      return null
    case 'note':
      return now < line.until ? { text: line.text, alert: false } : null
    case 'answering':
      return { text: line.text, alert: false }
    case 'dial':
      if (dialError) return { text: dialError, alert: true, id: DIAL_ERROR_ID }
      if (dial?.status === 'success' && dial.data && dial.submittedAt !== overAt)
        return {
          text: `Calling ${dial.data.number} from ${dial.data.from}: your handset picks up by itself.`,
          alert: false,
        }
      return null
  }
}
