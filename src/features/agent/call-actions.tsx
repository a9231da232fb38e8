import { useState } from 'react'
import { Badge } from '../../components/ui/badge.tsx'
import { Button } from '../../components/ui/button.tsx'
import { ConfirmDialog } from '../../components/ui/confirm-dialog.tsx'
import type { Call } from '../calls/call-model.ts'
import { canOfferAnswer } from '../calls/call-status.ts'
import { CardMessage } from '../calls/card-message.tsx'
import { useFeedTrust } from '../calls/feed-store.ts'
import { isMine } from '../calls/my-extensions.ts'
import { useSettings } from '../settings/settings-store.ts'
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

/** Said on the card's badge line (room kept for it), not beside the buttons, where it was cut off. */
function RecordingBadge({ call }: { call: Call }) {
  const on = useAgent((s) => call.id in s.recorded)
  if (!on || call.status !== 'Connected' || call.endedAt !== undefined) return null
  return (
    <Badge tone="red">
      <span aria-hidden="true">● </span>
      <span>Recording</span>
    </Badge>
  )
}

/** For `ExtensionColumn`'s `badges`. */
export const callBadges = (call: Call) => <RecordingBadge call={call} />

function AnswerButton({ call }: { call: Call }) {
  const send = useSend()
  const command = commands.answer(call)
  const state = useCommandState(command)
  // While the feed is down the call may have changed: nothing to answer for sure.
  const stale = useFeedTrust() === 'stale'
  const busy = state?.status === 'pending'
  return (
    <>
      <Button
        variant="primary"
        className="mt-2 h-9 w-full"
        disabled={busy || stale}
        aria-disabled={busy || stale}
        title={stale ? 'Not connected to the PBX: this call may have changed' : undefined}
        onClick={() => send(command, undefined)}
      >
        {busy ? 'Answering…' : 'Answer'}
      </Button>
      <CardMessage text={commandError(state, 'answer')} />
    </>
  )
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
  const send = useSend()
  const hangup = commands.hangup(call.id)
  const record = commands.record(call.id)
  const hangState = useCommandState(hangup)
  const recordState = useCommandState(record)
  // Until a start or stop lands, the button keeps saying what is true now.
  const on = useAgent((s) => call.id in s.recorded)
  const mine = useSettings((s) => isMine(call.ext, s.myExtensions))
  const [asking, setAsking] = useState<Act | null>(null)
  const hanging = hangState?.status === 'pending'
  const switching = recordState?.status === 'pending'
  const connected = call.status === 'Connected'
  const run = (a: Act) => (a === 'hangup' ? send(hangup, undefined) : send(record, !on))
  // A colleague's call is cut or recorded only after a second, deliberate yes (stopping needs none).
  const act = (a: Act) => (mine || (a === 'record' && on) ? run(a) : setAsking(a))
  return (
    <div className="mt-2 flex flex-col">
      {/* As high as Answer was: a ringing card that connects keeps its height. */}
      <div className="flex h-9 items-center gap-2 overflow-hidden whitespace-nowrap">
        <Button variant="danger" disabled={hanging} onClick={() => act('hangup')}>
          {hanging ? 'Hanging up…' : 'Hang up'}
        </Button>
        {connected && (
          <Button aria-pressed={on} disabled={switching} onClick={() => act('record')}>
            {on ? 'Stop recording' : 'Record'}
          </Button>
        )}
      </div>
      <CardMessage text={commandError(hangState, 'hangup') ?? commandError(recordState, 'record')} />
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
