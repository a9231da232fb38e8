import type { Call } from './call-model.ts'

/** How long a call has been waiting for an answer, or null when it is not waiting. */
export function waitingMs(call: Call, now: number): number | null {
  if (call.endedAt !== undefined || call.status !== 'Ringing') return null
  // A queue call has waited since it entered the queue, not since this handset started ringing.
  return now - (call.isQueueCall ? call.firstSeenAt : call.statusSince)
}

/** Rung or queued longer than the threshold: OVERDUE in the grid and on the agent's card alike. */
export function isEscalated(call: Call | undefined, now: number, afterSec: number): boolean {
  if (!call || afterSec <= 0) return false
  const waited = waitingMs(call, now)
  return waited !== null && waited >= afterSec * 1000
}
