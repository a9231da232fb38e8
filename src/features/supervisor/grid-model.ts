// Pure helpers behind the supervisor grid: one state per extension, filtering, counts, escalation.
import type { Call } from '../calls/call-model.ts'
import { statusWords } from '../calls/call-status.ts'

export type TileState = 'ringing' | 'connected' | 'busy' | 'ended' | 'idle'

export interface TileSummary {
  state: TileState
  /** The call the tile shows: the most urgent one on the extension. */
  call?: Call
  /** Calls on the extension that are not over yet. */
  active: number
}

const RANK: Record<TileState, number> = { ringing: 4, connected: 3, busy: 2, ended: 1, idle: 0 }

function stateOf(call: Call): TileState {
  if (call.endedAt !== undefined) return 'ended'
  if (call.status === 'Ringing') return 'ringing'
  if (call.status === 'Connected') return 'connected'
  return 'busy'
}

/** The extension's state is its most urgent call's: ringing beats connected beats anything else. */
export function summarize(calls: readonly Call[] | undefined): TileSummary {
  let best: Call | undefined
  let bestState: TileState = 'idle'
  let active = 0
  for (const c of calls ?? []) {
    const s = stateOf(c)
    if (s !== 'ended') active++
    // Among equals the oldest (first in the list) wins: it has waited longest.
    if (RANK[s] > RANK[bestState]) {
      best = c
      bestState = s
    }
  }
  return { state: bestState, call: best, active }
}

export interface GridCounts {
  ringing: number
  connected: number
  busy: number
  idle: number
}

/** Extensions per state; an extension whose last call just ended counts as idle. */
export function countStates(
  exts: readonly string[],
  byExt: Readonly<Record<string, readonly Call[]>>,
  keyOf: (ext: string) => string,
): GridCounts {
  const counts: GridCounts = { ringing: 0, connected: 0, busy: 0, idle: 0 }
  for (const ext of exts) {
    const s = summarize(byExt[keyOf(ext)]).state
    counts[s === 'ended' ? 'idle' : s]++
  }
  return counts
}

/** The tile's accessible name, e.g. "Extension 410: Ringing, 0298765432". */
export function tileLabel(ext: string, summary: TileSummary, escalated: boolean): string {
  const { call, state } = summary
  if (!call || state === 'idle') return `Extension ${ext}: Idle`
  const words = statusWords(call)
  const who = call.callerId || 'unknown caller'
  const more = summary.active > 1 ? `, ${summary.active} calls` : ''
  return `Extension ${ext}: ${words}, ${who}${more}${escalated ? ', waiting too long' : ''}`
}
