import type { Call } from './call-model.ts'

const t = Date.now()
const base = { ext: 'rehearsal', callerId: '0298765432', firstSeenAt: t, statusSince: t }

/** A call in each state a card or tile can show, for a view's rehearsal; never in the model. */
export const SAMPLE_CALLS: readonly Call[] = [
  { ...base, id: 'rehearsal-ringing', status: 'Ringing', inbound: true, isQueueCall: true, isClickToDialCall: false },
  {
    ...base,
    id: 'rehearsal-connected',
    status: 'Connected',
    inbound: false,
    isQueueCall: false,
    isClickToDialCall: true,
    connectedAt: t,
  },
  {
    ...base,
    id: 'rehearsal-ended',
    status: 'Hungup',
    inbound: true,
    isQueueCall: false,
    isClickToDialCall: false,
    connectedAt: t,
    endedAt: t,
  },
]
