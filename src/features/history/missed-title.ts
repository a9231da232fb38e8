import { setBaseTitle } from '../../lib/page-title.ts'
import { missedSince } from './history-model.ts'
import { useHistory } from './history-store.ts'

const APP = 'Switchboard'

/** Missed calls not yet marked seen, counted in the tab's title: "(2 missed) Switchboard". Returns the unsubscribe. */
export function startMissedTitle(): () => void {
  const show = () => {
    const { entries, missedSeenAt } = useHistory.getState()
    const n = missedSince(entries, missedSeenAt)
    setBaseTitle(n > 0 ? `(${n} missed) ${APP}` : APP)
  }
  show()
  const off = useHistory.subscribe(
    (s, prev) => (s.entries !== prev.entries || s.missedSeenAt !== prev.missedSeenAt) && show(),
  )
  return () => {
    off()
    setBaseTitle(APP)
  }
}
