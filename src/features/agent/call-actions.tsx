import { Badge } from '../../components/ui/badge.tsx'
import { Button } from '../../components/ui/button.tsx'
import type { Call } from '../calls/call-model.ts'
import { canOfferAnswer } from '../calls/call-status.ts'
import { useRights } from '../session/session-store.ts'
import { useAgent } from './agent-store.ts'
import { commandError, commands, useCommandState, useSend } from './commands.ts'

// Not a ringing call, nor a leg that left its call (Unlinked: the shared uniqueCallId would hang up the customer).
const canHangUp = (call: Call) => call.endedAt === undefined && call.status !== 'Ringing' && call.status !== 'Unlinked'

/** Answer a ringing call; hang up and record one in progress. The agent view puts these on each card. */
export function CallActions({ call }: { call: Call }) {
  // Offered only on the user's own extensions; the server refuses the rest anyway.
  const { mayAct } = useRights()
  if (!mayAct(call.ext)) return null
  // Hooks only where the controls show: ended cards need no command state.
  if (canOfferAnswer(call)) return <AnswerButton call={call} />
  return canHangUp(call) ? <InProgressActions call={call} /> : null
}

/** For `ExtensionColumn`'s `actions`: one function for all, so memoised columns stay memoised. */
export const callActions = (call: Call) => <CallActions call={call} />

function ErrorNote({ message }: { message: string | undefined }) {
  return message ? (
    <p role="alert" className="text-sm text-red-700 dark:text-red-300">
      {message}
    </p>
  ) : null
}

function AnswerButton({ call }: { call: Call }) {
  const send = useSend()
  const command = commands.answer(call)
  const state = useCommandState(command)
  const busy = state?.status === 'pending'
  const button = (
    <Button
      variant="primary"
      className="mt-2 w-full"
      disabled={busy}
      aria-disabled={busy}
      onClick={() => send(command, undefined)}
    >
      {busy ? 'Answering…' : 'Answer'}
    </Button>
  )
  const error = commandError(state)
  // A wrapper only when there is a message: a screen of ringing cards is a screen of Answer buttons.
  if (!error) return button
  return (
    <div className="flex flex-col gap-1">
      {button}
      <ErrorNote message={error} />
    </div>
  )
}

function InProgressActions({ call }: { call: Call }) {
  const send = useSend()
  const hangup = commands.hangup(call.id)
  const record = commands.record(call.id)
  const hangState = useCommandState(hangup)
  const recordState = useCommandState(record)
  // Until a start or stop lands, the button keeps saying what is true now.
  const on = useAgent((s) => call.id in s.recorded)
  const hanging = hangState?.status === 'pending'
  const switching = recordState?.status === 'pending'
  const connected = call.status === 'Connected'
  return (
    <div className="mt-2 flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="danger" disabled={hanging} onClick={() => send(hangup, undefined)}>
          {hanging ? 'Hanging up…' : 'Hang up'}
        </Button>
        {connected && (
          <Button aria-pressed={on} disabled={switching} onClick={() => send(record, !on)}>
            {on ? 'Stop recording' : 'Record'}
          </Button>
        )}
        {connected && on && (
          <Badge tone="red">
            <span aria-hidden="true">● </span>
            <span>Recording</span>
          </Badge>
        )}
      </div>
      <ErrorNote message={commandError(hangState) ?? commandError(recordState)} />
    </div>
  )
}
