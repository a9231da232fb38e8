import { useEffect } from 'react'
import { AlertsDriver } from '../alerts/alerts-driver.tsx'
import { startHistory } from '../history/history-store.ts'

/** What must run in every view: ring alerts and the call history recorder. */
export function AgentDriver() {
  useEffect(() => startHistory(), [])
  return <AlertsDriver />
}
