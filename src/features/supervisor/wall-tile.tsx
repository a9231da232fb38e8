import { memo } from 'react'
import { ExtensionExtraSlot } from '../../components/ui/extension-extra.tsx'
import { PhoneText } from '../../components/ui/phone-text.tsx'
import { formatDuration } from '../../lib/time.ts'
import type { Call } from '../calls/call-model.ts'
import type { TileState } from './grid-model.ts'

export type Look = TileState | 'overdue'

export const looks: Record<Look, string> = {
  overdue: 'border-red-950 bg-red-700 text-white dark:border-red-300 dark:bg-red-800',
  ringing: 'border-amber-500 bg-amber-100 text-amber-950 dark:border-amber-400 dark:bg-amber-950 dark:text-amber-50',
  connected:
    'border-emerald-600 bg-emerald-100 text-emerald-950 dark:border-emerald-400 dark:bg-emerald-950 dark:text-emerald-50',
  busy: 'border-sky-600 bg-sky-100 text-sky-950 dark:border-sky-400 dark:bg-sky-950 dark:text-sky-50',
  ended: 'border-slate-300 bg-white text-slate-700 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-300',
  idle: 'border-slate-200 bg-white text-slate-700 dark:border-slate-800 dark:bg-slate-900 dark:text-slate-300',
}

/** The state by shape and word as well as colour: read from across the room, and by the colour-blind. */
export const STATE: Record<Look, { glyph: string; word: string }> = {
  overdue: { glyph: '▲', word: 'Overdue' },
  ringing: { glyph: '◔', word: 'Ringing' },
  connected: { glyph: '●', word: 'Connected' },
  busy: { glyph: '◑', word: 'Other' },
  ended: { glyph: '◌', word: 'Idle' },
  idle: { glyph: '○', word: 'Idle' },
}

/** Three lines of text, each 1.2 em, and room around them: what a tile's height must hold. */
export const TILE_LINES_EM = 3.9
/** The widest line (a grouped number, "+61 2 9876 5432", bold) and the tile's padding, in em. */
export const TILE_WIDTH_EM = 11.5
/** A caller longer than this is set smaller, so it still fits whole. */
const CALLER_CHARS = 15

export interface WallTileData {
  ext: string
  look: Look
  call?: Call
  label: string
  since?: number
  name: string
}

/** One extension on the wall: who (extension and name), its state, how long, and the caller. */
export const WallTile = memo(function WallTile({
  tile: t,
  now,
  onPick,
}: {
  tile: WallTileData
  now: number
  onPick: (look: Look) => void
}) {
  const live = t.call && t.look !== 'idle' && t.look !== 'ended'
  const caller = live ? t.call?.callerId || 'Unknown caller' : ''
  const state = STATE[t.look]
  return (
    <li data-ext={t.ext} data-state={t.look} className="min-h-0 min-w-0">
      <button
        type="button"
        aria-label={t.label}
        onClick={() => onPick(t.look)}
        className={`flex size-full flex-col justify-center overflow-hidden rounded-md border border-l-8 px-[0.4em] text-left leading-[1.2] ${looks[t.look]}`}
      >
        <span className="flex w-full items-baseline gap-[0.4em]">
          <span data-text className="font-bold tabular-nums">
            {t.ext}
          </span>
          <span data-name className="min-w-0 flex-1 truncate" title={t.name || undefined}>
            {t.name}
          </span>
          <span data-text className="tabular-nums">
            {live && t.since !== undefined ? formatDuration(now - t.since) : ''}
          </span>
        </span>
        <span className="flex w-full items-baseline gap-[0.4em] whitespace-nowrap">
          <span data-text data-status-words className="font-semibold">
            <span aria-hidden="true">{state.glyph} </span>
            {state.word}
          </span>
          {/* Today's answered and missed, when the app fills the slot (issue 24). */}
          <span className="ml-auto text-[0.6em] font-semibold">
            <ExtensionExtraSlot ext={t.ext} />
          </span>
        </span>
        <span
          data-text
          data-caller
          className="font-bold whitespace-nowrap"
          style={caller.length > CALLER_CHARS ? { fontSize: `${CALLER_CHARS / caller.length}em` } : undefined}
        >
          {caller ? <PhoneText raw={caller} /> : '\u00a0'}
        </span>
      </button>
    </li>
  )
})
