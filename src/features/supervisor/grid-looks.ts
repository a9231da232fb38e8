// How a grid tile looks in each state: colour, and a shape as well (not colour alone).
import type { TileState } from './grid-model.ts'

export type Look = TileState | 'escalated'

export const looks: Record<Look, string> = {
  idle: 'border-slate-200 bg-white text-slate-700 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-300',
  ringing: 'border-amber-500 bg-amber-100 text-amber-950 dark:border-amber-400 dark:bg-amber-950 dark:text-amber-50',
  connected:
    'border-emerald-600 bg-emerald-100 text-emerald-950 dark:border-emerald-400 dark:bg-emerald-950 dark:text-emerald-50',
  busy: 'border-sky-600 bg-sky-100 text-sky-950 dark:border-sky-400 dark:bg-sky-950 dark:text-sky-50',
  ended: 'border-slate-300 bg-slate-100 text-slate-700 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-200',
  escalated: 'border-red-950 bg-red-700 text-white dark:border-red-300 dark:bg-red-800 dark:text-white',
}

// A shape per state as well as a colour and a word: readable at a glance on a wall screen.
export const glyphs: Record<Look, string> = {
  idle: '○',
  ringing: '◔',
  connected: '●',
  busy: '◑',
  ended: '◌',
  escalated: '▲',
}
