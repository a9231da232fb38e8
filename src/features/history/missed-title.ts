import { useEffect } from 'react'
import { setBaseTitle } from '../../lib/page-title.ts'

const APP = 'Switchboard'

export const missedTitle = (n: number) => (n > 0 ? `(${n} missed) ${APP}` : APP)

/** Missed calls not yet marked seen, counted in the tab's title: "(2 missed) Switchboard"; plain again on unmount. */
export function useMissedTitle(missed: number): void {
  useEffect(() => setBaseTitle(missedTitle(missed)), [missed])
  useEffect(() => () => setBaseTitle(APP), [])
}
