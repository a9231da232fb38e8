import { useEffect } from 'react'
import { useQueryClient } from '@tanstack/react-query'
import { AlertsDriver } from '../alerts/alerts-driver.tsx'
import { useFeed } from '../calls/feed-store.ts'
import { HistoryDriver } from '../history/history-sync.tsx'
import { useAgent } from './agent-store.ts'
import { watchDialledCall } from './dial-watch.ts'

/**
 * Recordings remembered for calls that have since ended are forgotten. Looked at only when a call
 * ends (the model's tombstones change), not on every event. Returns the unsubscribe.
 */
function forgetEndedRecordings(): () => void {
  return useFeed.subscribe((s, prev) => {
    const { recorded } = useAgent.getState()
    if (s.model.ended === prev.model.ended || !Object.keys(recorded).length) return
    const ended: string[] = []
    const live = new Set<string>()
    for (const list of Object.values(s.model.byExt))
      for (const c of list) {
        if (!(c.id in recorded)) continue
        if (c.endedAt === undefined) live.add(c.id)
        else ended.push(c.id)
      }
    useAgent.getState().recordingsEnded(ended.filter((id) => !live.has(id)))
  })
}

/** What must run in every view: ring alerts, the call history recorder, recordings' and dials' upkeep. */
export function AgentDriver() {
  useEffect(() => forgetEndedRecordings(), [])
  const client = useQueryClient()
  useEffect(() => watchDialledCall(client), [client])
  return (
    <>
      <AlertsDriver />
      <HistoryDriver />
    </>
  )
}
