import { useState } from 'react'
import { Badge } from '../../components/ui/badge.tsx'
import { ConfirmDialog } from '../../components/ui/confirm-dialog.tsx'
import { Button } from '../../components/ui/button.tsx'
import type { Call } from '../calls/call-model.ts'
import { CardMessage } from '../calls/card-message.tsx'
import { recordingOf, useAgent } from './agent-store.ts'
import { isMine } from './my-extensions.ts'
import { useHangup, useRecording } from './use-call-controls.ts'
import { useSettings } from '../settings/settings-store.ts'

// Any call under way, statuses the contract does not list (e.g. Parked) too; not one still
// ringing, nor a leg that left its call (Unlinked: after a transfer the uniqueCallId, shared by
// both legs, would hang up the customer with whoever took it).
const canHangUp = (call: Call) => call.endedAt === undefined && call.status !== 'Ringing' && call.status !== 'Unlinked'

/** Hang up and record, on calls in progress; the card renders this next to Answer. */
export function CallActions({ call }: { call: Call }) {
  // Hooks only where the controls show: a thousand ringing cards need no mutation observers.
  return canHangUp(call) ? <InProgressActions call={call} /> : null
}

type Act = 'hangup' | 'record'

const ASK: Record<Act, { title: string; body: (c: Call) => string; yes: string }> = {
  hangup: {
    title: "Hang up a colleague's call?",
    body: (c) => `This call is on extension ${c.ext}, not yours. Hanging up cuts off ${c.callerId || 'the caller'}.`,
    yes: 'Hang up',
  },
  record: {
    title: "Record a colleague's call?",
    body: (c) => `This call is on extension ${c.ext}, not yours. The recording will be owned by your login name.`,
    yes: 'Record',
  },
}

function InProgressActions({ call }: { call: Call }) {
  const hangup = useHangup()
  const record = useRecording()
  const mine = useSettings((s) => isMine(call.ext, s.myExtensions))
  const [asking, setAsking] = useState<Act | null>(null)
  const run = (act: Act) => (act === 'hangup' ? hangup(call.id) : record(call.id))
  // A colleague's call is cut or recorded only after a second, deliberate yes.
  const act = (a: Act) =>
    mine || (a === 'record' && recordingOf(useAgent.getState(), call.id)) ? run(a) : setAsking(a)
  const hangState = useAgent((s) => s.hangups[call.id])
  const recording = useAgent((s) => recordingOf(s, call.id))
  const recordError = useAgent((s) => s.recordErrors[call.id])
  const hangError = typeof hangState === 'object' ? hangState.error : undefined
  const connected = call.status === 'Connected'
  return (
    <div className="mt-2 flex flex-col">
      <div className="flex items-center gap-2 overflow-hidden whitespace-nowrap">
        <Button variant="danger" disabled={hangState === 'sending'} onClick={() => act('hangup')}>
          {hangState === 'sending' ? 'Hanging up…' : 'Hang up'}
        </Button>
        {connected && (
          <Button
            aria-pressed={recording === 'on' || recording === 'stopping'}
            disabled={recording === 'starting' || recording === 'stopping'}
            onClick={() => act('record')}
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
      <CardMessage text={hangError ?? recordError} />
      {asking && (
        <ConfirmDialog
          title={ASK[asking].title}
          body={ASK[asking].body(call)}
          confirmLabel={ASK[asking].yes}
          onAnswer={(yes) => {
            setAsking(null)
            if (yes) run(asking)
          }}
        />
      )}
    </div>
  )
}
