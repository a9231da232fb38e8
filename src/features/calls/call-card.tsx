import { memo } from 'react'
import { Badge } from '../../components/ui/badge.tsx'
import { Button } from '../../components/ui/button.tsx'
import { CallActions } from '../agent/call-actions.tsx'
import { formatDuration } from '../../lib/time.ts'
import { useNow } from '../../lib/use-now.ts'
import type { Call } from './call-model.ts'
import { canOfferAnswer, statusTone, statusWords } from './call-status.ts'
import { answerKey, useAnswerState } from './feed-store.ts'
import { answerCall } from './answer-call.ts'

const toneClass = {
  ringing: 'border-amber-500 bg-amber-50 ring-2 ring-amber-400 dark:bg-amber-950 dark:border-amber-400',
  connected: 'border-emerald-600 bg-emerald-50 dark:bg-emerald-950 dark:border-emerald-500',
  ended: 'border-slate-300 bg-slate-100 text-slate-600 dark:bg-slate-900 dark:text-slate-400 dark:border-slate-700',
  other: 'border-sky-500 bg-white dark:bg-slate-900',
}

/** How long the call has been in its state (or how it ended), one text node, figures aligned. */
function Timer({ call }: { call: Call }) {
  const now = useNow()
  let text: string
  if (call.endedAt !== undefined)
    text = `ended${call.connectedAt ? ` after ${formatDuration(call.endedAt - call.connectedAt)}` : ''}`
  else {
    const label = call.status === 'Ringing' ? 'ringing for' : call.status === 'Connected' ? 'talking for' : 'for'
    text = `${label} ${formatDuration(now - call.statusSince)}`
  }
  return <span className="ml-auto tabular-nums text-slate-600 dark:text-slate-300">{text}</span>
}

/**
 * A ringing call's dot. It does not pulse: a burst of ringing cards would start an animation (and
 * a compositor layer) per card in the frame that first shows them — the single largest piece of
 * that frame — and the ring already has colour, a ring, a word, a sound, the title and a
 * notification.
 */
const RingDot = () => <span aria-hidden="true" className="size-2.5 rounded-full bg-amber-500" />

function AnswerControl({ call }: { call: Call }) {
  return canOfferAnswer(call) ? <AnswerButton call={call} /> : null
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

export const CallCard = memo(function CallCard({ call }: { call: Call }) {
  const tone = statusTone(call)
  const words = statusWords(call)
  const who = call.callerId || 'Unknown caller'
  const direction = call.inbound === undefined ? undefined : call.inbound ? 'Inbound' : 'Outbound'
  return (
    <article
      aria-label={`${words}: ${who}`}
      data-call-id={call.id}
      data-ext={call.ext}
      tabIndex={-1}
      data-status={call.status}
      className={`rounded-lg border-l-4 border p-3 focus:outline-2 focus:outline-offset-2 focus:outline-sky-500 ${toneClass[tone]}`}
    >
      <div className="flex items-baseline justify-between gap-2">
        <p className="truncate text-base font-semibold" title={who}>
          {who}
        </p>
        <p className="flex shrink-0 items-center gap-1.5 text-sm font-semibold">
          {tone === 'ringing' && <RingDot />}
          {words}
        </p>
      </div>
      <div className="mt-1 flex flex-wrap items-center gap-1.5 text-xs">
        {direction && <Badge>{direction}</Badge>}
        {call.isQueueCall && <Badge tone="violet">Queue</Badge>}
        {call.isClickToDialCall && <Badge tone="sky">Click-to-dial</Badge>}
        <Timer call={call} />
      </div>
      <AnswerControl call={call} />
      <CallActions call={call} />
    </article>
  )
})
