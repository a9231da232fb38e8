import { memo, type ReactNode } from 'react'
import { Badge } from '../../components/ui/badge.tsx'
import { formatDuration } from '../../lib/time.ts'
import { useNow } from '../../lib/use-now.ts'
import type { Call } from './call-model.ts'
import { statusTone, statusWords } from './call-status.ts'
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

/** How long the call has been in its state (or how it ended), one text node, figures aligned. */
function Timer({ call, frozenAt }: { call: Call; frozenAt?: number }) {
  // While the feed is down the clock stops at the last word from the PBX: a count would claim news.
  const ticking = useNow(frozenAt === undefined && call.endedAt === undefined)
  const now = frozenAt ?? ticking
  const afterSec = useSettings((s) => s.escalateAfterSec)
  let text: string
  if (call.endedAt !== undefined)
    text = `ended${call.connectedAt ? ` after ${formatDuration(call.endedAt - call.connectedAt)}` : ''}`
  else {
    const label = call.status === 'Ringing' ? 'ringing for' : call.status === 'Connected' ? 'talking for' : 'for'
    text = `${label} ${formatDuration(now - call.statusSince)}`
  }
  return (
    <>
      {isEscalated(call, now, afterSec) && (
        <span className="shrink-0 rounded bg-red-700 px-1.5 py-0.5 font-bold text-white uppercase">Overdue</span>
      )}
      {/* A fixed box, text from its left: a longer label never moves where the timer starts. */}
      <span
        className={`ml-auto w-32 shrink-0 text-left tabular-nums ${frozenAt === undefined ? 'text-slate-600 dark:text-slate-300' : 'text-slate-700 italic dark:text-slate-200'}`}
        title={frozenAt === undefined ? undefined : 'Stopped: the PBX has not been heard from since'}
      >
        {text}
        {frozenAt !== undefined && <span aria-hidden="true"> ⏸</span>}
      </span>
    </>
  )
}

// Does not pulse: a burst of ringing cards would start one animation (and compositor layer) per card.
const RingDot = ({ on }: { on: boolean }) => (
  <span aria-hidden="true" className={`size-2.5 shrink-0 rounded-full ${on ? 'bg-amber-500' : 'invisible'}`} />
)

/** One call; `children`: the commands the view offers on it (the card itself knows none). */
export const CallCard = memo(function CallCard({ call, children }: { call: Call; children?: ReactNode }) {
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
      className={`rounded-lg border-l-4 border p-3 focus:outline-2 focus:outline-offset-2 focus:outline-sky-500 ${toneClass[tone]} ${stale ? 'border-dashed' : ''}`}
    >
      <div className="flex items-baseline justify-between gap-2">
        <p className="min-w-0 flex-1 truncate text-base font-semibold" title={who}>
          {who}
        </p>
        <ScreenPopLink call={call} />
        {/* A fixed box, the dot's place kept: a new status word starts where the old one did. */}
        <p className="flex w-32 shrink-0 items-center gap-1.5 text-sm font-semibold">
          <RingDot on={tone === 'ringing'} />
          <span className="truncate">{words}</span>
        </p>
      </div>
      {/* One line whatever it holds: a badge or a longer timer never makes the card taller. */}
      <div className="mt-1 flex items-center gap-1.5 overflow-hidden text-xs whitespace-nowrap">
        {direction && <Badge>{direction}</Badge>}
        {call.isQueueCall && <Badge tone="violet">Queue</Badge>}
        {call.isClickToDialCall && <Badge tone="sky">Click-to-dial</Badge>}
        <Timer call={call} frozenAt={stale && call.endedAt === undefined ? lastReplyAt : undefined} />
      </div>
      {children}
    </article>
  )
})
