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
}: {
  ext: string
  mine?: boolean
  onScreen?: boolean
  actions?: CallActionsSlot
}) {
  return <ColumnView ext={ext} mine={mine} calls={useCallsFor(ext, onScreen)} actions={actions} />
})

/** What a view offers on each call (Answer, Hang up…), rendered inside the card. */
export type CallActionsSlot = (call: Call) => ReactNode

/** An idle column's height: that of a column holding one call, ringing or connected (the room it keeps). */
export const COLUMN_MIN_REM = 12.25

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
 * The column itself, for the calls given. It keeps room for one call while idle, so a call that
 * starts ringing fills that room instead of pushing every column below it down the page — under
 * the pointer of an agent about to click Answer elsewhere — and a burst of rings changes which
 * columns are on screen for nobody.
 */
export function ColumnView({
  ext,
  mine = false,
  calls,
  actions,
}: {
  ext: string
  mine?: boolean
  calls: readonly Call[]
  actions?: CallActionsSlot
}) {
  const headingId = `ext-${ext.replace(/\W/g, '-')}`
  return (
    <section
      aria-labelledby={headingId}
      data-ext={ext}
      style={{ minHeight: `${COLUMN_MIN_REM}rem` }}
      className="flex w-full min-w-0 flex-col gap-2 rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex items-center gap-2">
        <h2 id={headingId} className="text-sm font-semibold text-slate-700 dark:text-slate-200">
          Extension {ext}
        </h2>
        {mine && <span className="rounded bg-sky-700 px-1.5 text-xs text-white">mine</span>}
      </div>
      {calls.length === 0 ? (
        <NoCalls ext={ext} />
      ) : (
        withoutEndedIfLive(calls).map((c) => (
          <CallCard key={c.id} call={c}>
            {actions?.(c)}
          </CallCard>
        ))
      )}
    </section>
  )
}
