import type { Call } from './call-model.ts'

const WORDS: Record<string, string> = {
  Ringing: 'Ringing',
  Connected: 'Connected',
  Hungup: 'Hung up',
  Busy: 'Busy',
  'No Answer': 'No answer',
  Unlinked: 'Left the call',
  'Dialing Out': 'Dialling out',
}

/** The status in words; a status the contract does not list is shown as the PBX sent it. */
export function statusWords(call: Pick<Call, 'status' | 'vanished'>): string {
  if (call.vanished) return 'Ended'
  return WORDS[call.status] ?? call.status
}

export type Tone = 'ringing' | 'connected' | 'ended' | 'other'

export function statusTone(call: Pick<Call, 'status' | 'endedAt'>): Tone {
  if (call.endedAt !== undefined) return 'ended'
  if (call.status === 'Ringing') return 'ringing'
  if (call.status === 'Connected') return 'connected'
  return 'other'
}

export const canOfferAnswer = (call: Call) =>
  call.status === 'Ringing' && call.canAnswer !== false && call.endedAt === undefined
