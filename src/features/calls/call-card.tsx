import { memo, type ReactNode } from 'react'
import { Badge } from '../../components/ui/badge.tsx'
import { PauseIcon } from '../../components/ui/icons.tsx'
import { PhoneText } from '../../components/ui/phone-text.tsx'
import { formatDuration } from '../../lib/time.ts'
import { useNow } from '../../lib/use-now.ts'
import type { Call } from './call-model.ts'
import { statusTone, statusWords, type Tone } from './call-status.ts'
import { isEscalated } from './escalation.ts'
import { ScreenPopLink } from './screen-pop-link.tsx'
import { useFeed, useFeedTrust } from './feed-store.ts'
import { useSettings } from '../settings/settings-store.ts'

const toneClass = {
  ringing: 'border-amber-500 bg-amber-50 ring-2 ring-amber-400 dark:bg-amber-950 dark:border-amber-400',
  connected: 'border-emerald-600 bg-emerald-50 dark:bg-emerald-950 dark:border-emerald-500',
  ended: 'border-slate-300 bg-slate-100 text-slate-600 dark:bg-slate-900 dark:text-slate-400 dark:border-slate-700',
  other: 'border-sky-500 bg-white dark:bg-slate-900',
}

/**
 * How long the call has been in its state (or how it ended), one text node, figures aligned. A fixed-width
 * box, text from its left: 'talking for' becoming 'ended after' grows rightwards instead of jumping left.
 */
function Timer({ call, frozenAt }: { call: Call; frozenAt?: number }) {
  // While the feed is down the clock stops at the last word from the PBX: a count would claim news.
  const ticking = useNow(frozenAt === undefined && call.endedAt === undefined)
  const now = frozenAt ?? ticking
  let text: string
  if (call.endedAt !== undefined)
    text = `ended${call.connectedAt ? ` after ${formatDuration(call.endedAt - call.connectedAt)}` : ''}`
  else {
    const label = call.status === 'Ringing' ? 'ringing for' : call.status === 'Connected' ? 'talking for' : 'for'
    text = `${label} ${formatDuration(now - call.statusSince)}`
  }
  return (
    <span
      className={`ml-auto min-w-32 text-left text-xs whitespace-nowrap tabular-nums ${frozenAt === undefined ? 'text-slate-600 dark:text-slate-300' : 'text-slate-700 italic dark:text-slate-200'}`}
      title={frozenAt === undefined ? undefined : 'Stopped: the PBX has not been heard from since'}
    >
      {text}
      {frozenAt !== undefined && <PauseIcon className="ml-1" />}
    </span>
  )
}

function Overdue({ call }: { call: Call }) {
  const now = useNow(call.endedAt === undefined && call.status === 'Ringing')
  const afterSec = useSettings((s) => s.escalateAfterSec)
  if (!isEscalated(call, now, afterSec)) return null
  return <span className="rounded bg-red-700 px-1.5 py-0.5 font-bold text-white uppercase">Overdue</span>
}

const dotClass: Record<Tone, string> = {
  ringing: 'bg-amber-500',
  connected: 'bg-emerald-600',
  ended: 'bg-slate-400',
  other: 'bg-sky-500',
}

// Does not pulse: a burst of ringing cards would start one animation (and compositor layer) per card.
const StatusDot = ({ tone }: { tone: Tone }) => (
  <span aria-hidden="true" className={`size-2.5 shrink-0 rounded-full ${dotClass[tone]}`} />
)

/**
 * One call; `children`: the commands the view offers on it, `badges`: what the view adds to its
 * badges (the card itself knows no commands). The caller has a line of its own and is never cut:
 * a number too long for it wraps.
 */
export const CallCard = memo(function CallCard({
  call,
  badges,
  children,
}: {
  call: Call
  badges?: ReactNode
  children?: ReactNode
}) {
  const stale = useFeedTrust() === 'stale'
  const lastReplyAt = useFeed((s) => s.lastReplyAt)
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
      data-stale={stale || undefined}
      className={`shrink-0 rounded-lg border-l-4 border px-3 py-2 focus:outline-2 focus:outline-offset-2 focus:outline-sky-500 ${toneClass[tone]} ${stale ? 'border-dashed' : ''}`}
    >
      <div className="flex items-baseline gap-2">
        <p data-caller className="min-w-0 flex-1 text-lg leading-snug font-semibold [overflow-wrap:anywhere]">
          <PhoneText raw={who} />
        </p>
        <ScreenPopLink call={call} />
      </div>
      <div className="flex flex-wrap items-center gap-x-2 text-sm">
        <p data-status-words className="flex items-center gap-1.5 font-semibold whitespace-nowrap">
          <StatusDot tone={tone} />
          {words}
        </p>
        <Timer call={call} frozenAt={stale && call.endedAt === undefined ? lastReplyAt : undefined} />
      </div>
      {/* Always there, as high as a badge: a badge that comes or goes never moves the buttons. */}
      <div className="mt-1 flex min-h-5 flex-wrap items-center gap-1.5 text-xs whitespace-nowrap">
        {direction && <Badge>{direction}</Badge>}
        {call.isQueueCall && <Badge tone="violet">Queue</Badge>}
        {call.isClickToDialCall && <Badge tone="sky">Click-to-dial</Badge>}
        <Overdue call={call} />
        {badges}
      </div>
      {children}
    </article>
  )
})
