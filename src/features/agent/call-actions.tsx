import { Badge } from '../../components/ui/badge.tsx'
import { Button } from '../../components/ui/button.tsx'
import { answerCall } from '../calls/answer-call.ts'
import type { Call } from '../calls/call-model.ts'
import { canOfferAnswer } from '../calls/call-status.ts'
import { answerKey, useAnswerState } from '../calls/feed-store.ts'
import { useRights } from '../session/session-store.ts'
import { recordingOf, useAgent } from './agent-store.ts'
import { useHangup, useRecording } from './use-call-controls.ts'

// Any call under way, statuses the contract does not list (e.g. Parked) too; not one still
// ringing, nor a leg that left its call (Unlinked: after a transfer the uniqueCallId, shared by
// both legs, would hang up the customer with whoever took it).
const canHangUp = (call: Call) => call.endedAt === undefined && call.status !== 'Ringing' && call.status !== 'Unlinked'

/** Answer a ringing call; hang up and record one in progress. The agent view puts these on each card. */
export function CallActions({ call }: { call: Call }) {
  // Offered only on the user's own extensions; the server refuses the rest anyway.
  const { mayAct } = useRights()
  if (!mayAct(call.ext)) return null
  // Hooks only where the controls show: a thousand ringing cards need no mutation observers.
  if (canOfferAnswer(call)) return <AnswerButton call={call} />
  return canHangUp(call) ? <InProgressActions call={call} /> : null
}

/** For `ExtensionColumn`'s `actions`: one function for all, so memoised columns stay memoised. */
export const callActions = (call: Call) => <CallActions call={call} />

function InProgressActions({ call }: { call: Call }) {
  const hangup = useHangup()
  const record = useRecording()
  const hangState = useAgent((s) => s.hangups[call.id])
  const recording = useAgent((s) => recordingOf(s, call.id))
  const recordError = useAgent((s) => s.recordErrors[call.id])
  const hangError = typeof hangState === 'object' ? hangState.error : undefined
  const connected = call.status === 'Connected'
  return (
    <div className="mt-2 flex flex-col gap-1">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="danger" disabled={hangState === 'sending'} onClick={() => hangup(call.id)}>
          {hangState === 'sending' ? 'Hanging up…' : 'Hang up'}
        </Button>
        {connected && (
          <Button
            aria-pressed={recording === 'on' || recording === 'stopping'}
            disabled={recording === 'starting' || recording === 'stopping'}
            onClick={() => record(call.id)}
          >
            {recording === 'on' || recording === 'stopping' ? 'Stop recording' : 'Record'}
          </Button>
        )}
        {connected && (recording === 'on' || recording === 'stopping') && (
          <Badge tone="red">
            <span aria-hidden="true">● </span>
            <span>Recording</span>
          </Badge>
        )}
      </div>
      {(hangError ?? recordError) && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {hangError ?? recordError}
        </p>
      )}
    </div>
  )
}

function AnswerButton({ call }: { call: Call }) {
  const state = useAnswerState(answerKey(call))
  const busy = state?.state === 'sending' || state?.state === 'sent'
  const button = (
    <Button
      variant="primary"
      className="mt-2 w-full"
      disabled={busy}
      aria-disabled={busy}
      onClick={() => answerCall(call.ext, call.id)}
    >
      {busy ? 'Answering…' : 'Answer'}
    </Button>
  )
  // The wrapper only when there is a message to put under the button: a screen of ringing cards
  // is a screen of Answer buttons.
  if (state?.state !== 'error') return button
  return (
    <div className="flex flex-col gap-1">
      {button}
      <p role="alert" className="text-sm text-red-700 dark:text-red-300">
        {state.message}
      </p>
    </div>
  )
}
