import { memo, type ReactNode } from 'react'
import type { Call } from './call-model.ts'
import { CallCard } from './call-card.tsx'
import { useExtensionTrust, type FeedTrust } from './feed-store.ts'
import { useCallsFor } from './shown-calls.ts'

/**
 * One extension's region: its heading and a card per call (an idle line when none). `onScreen`:
 * visible now, not rendered ahead of a scroll (it is brought up to date first after a burst).
 */
export const ExtensionColumn = memo(function ExtensionColumn({
  ext,
  mine = false,
  onScreen = true,
  actions,
  badges,
}: {
  ext: string
  mine?: boolean
  onScreen?: boolean
} & CallSlots) {
  return <ColumnView ext={ext} mine={mine} calls={useCallsFor(ext, onScreen)} actions={actions} badges={badges} />
})

/** What a view offers on each call (Answer, Hang up…) and adds to its badges, rendered inside the card. */
export interface CallSlots {
  actions?: (call: Call) => ReactNode
  badges?: (call: Call) => ReactNode
}

/** Every column's height, whatever it holds: that of a column holding one call, ringing or connected. */
export const COLUMN_REM = 13.25

/** What a column without calls says: idle only when the PBX said so. */
const NO_CALLS: Record<FeedTrust, string> = {
  live: 'Idle — no calls',
  waiting: 'Not known yet — waiting for the PBX',
  stale: 'No calls when last heard',
}

/**
 * A call that ended lingers to say how, until a live one needs its room: the next call (a dial
 * right after a hang-up) takes the place of the last instead of making the column taller.
 */
function withoutEndedIfLive(calls: readonly Call[]): readonly Call[] {
  const newest = Math.max(...calls.map((c) => (c.endedAt === undefined ? c.firstSeenAt : 0)))
  // Only for a call that came after it ended: one hung up beside a call under way stays to say so.
  const kept = calls.filter((c) => c.endedAt === undefined || c.endedAt > newest)
  return kept.length === calls.length ? calls : kept
}

/** Only a column without calls reads the feed's state: a burst of calls re-renders no idle line. Left-aligned: new words start where the old ones did. */
function NoCalls({ ext }: { ext: string }) {
  return (
    <p className="flex grow items-center rounded-lg border border-dashed border-slate-300 px-4 py-2 text-sm text-slate-500 dark:border-slate-700 dark:text-slate-400">
      {NO_CALLS[useExtensionTrust(ext)]}
    </p>
  )
}

/**
 * The column itself, for the calls given. Its height is fixed (room for one call): a call that
 * starts ringing fills that room, and a second one on the same extension is added below it, in the
 * column's own scroll area, instead of pushing every column after it down the page — under the
 * pointer of an agent about to click Answer there. The header says how many calls there are.
 */
export function ColumnView({
  ext,
  mine = false,
  calls,
  actions,
  badges,
}: {
  ext: string
  mine?: boolean
  calls: readonly Call[]
} & CallSlots) {
  const headingId = `ext-${ext.replace(/\W/g, '-')}`
  const shown = calls.length ? withoutEndedIfLive(calls) : calls
  return (
    <section
      aria-labelledby={headingId}
      data-ext={ext}
      style={{ height: `${COLUMN_REM}rem` }}
      className="flex w-full min-w-0 flex-col gap-2 rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-center gap-2">
        <h2 id={headingId} className="text-sm font-semibold whitespace-nowrap text-slate-700 dark:text-slate-200">
          Extension {ext}
        </h2>
        {mine && <span className="rounded bg-sky-700 px-1.5 text-xs text-white">mine</span>}
        {shown.length > 1 && (
          <span
            title="More calls below: scroll this extension"
            className="ml-auto text-xs font-semibold whitespace-nowrap text-slate-700 dark:text-slate-200"
          >
            {shown.length} calls <span aria-hidden="true">↓</span>
          </span>
        )}
      </div>
      {shown.length === 0 ? (
        <NoCalls ext={ext} />
      ) : (
        <div data-calls className="-m-1 flex min-h-0 flex-1 flex-col gap-2 overflow-y-auto overscroll-contain p-1">
          {shown.map((c) => (
            <CallCard key={c.id} call={c} badges={badges?.(c)}>
              {actions?.(c)}
            </CallCard>
          ))}
        </div>
      )}
    </section>
  )
}
