import { memo, type ReactNode } from 'react'
import { Badge } from '../../components/ui/badge.tsx'
import { formatDuration } from '../../lib/time.ts'
import { useNow } from '../../lib/use-now.ts'
import type { Call } from './call-model.ts'
import { statusTone, statusWords } from './call-status.ts'

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

// Does not pulse: a burst of ringing cards would start one animation (and compositor layer) per card.
const RingDot = () => <span aria-hidden="true" className="size-2.5 rounded-full bg-amber-500" />

/** One call; `children`: the commands the view offers on it (the card itself knows none). */
export const CallCard = memo(function CallCard({ call, children }: { call: Call; children?: ReactNode }) {
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
      {children}
    </article>
  )
})
