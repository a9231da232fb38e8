import type { Call } from '../features/calls/call-model.ts'

/**
 * A call for a test: ringing on 410 from 0298765432, first seen and in its status since `at`;
 * `p` overrides any of it.
 */
export const aCall = (p: Partial<Call> = {}, at = 0): Call => ({
  id: 'c1',
  ext: '410',
  status: 'Ringing',
  callerId: '0298765432',
  isQueueCall: false,
  isClickToDialCall: false,
  firstSeenAt: at,
  statusSince: at,
  ...p,
})
