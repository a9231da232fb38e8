import { useMutation } from '@tanstack/react-query'
import { dial } from '../pbx/pbx-client.ts'
import { recordDiag } from '../calls/diagnostics-store.ts'
import { describeError, friendlyError } from '../pbx/pbx-error.ts'
import { HANDSETS } from '../pbx/handsets.ts'
import { useSettings } from '../settings/settings-store.ts'
import { useAgent } from './agent-store.ts'
import { dialSource, parseDialNumber } from './dial.ts'

/** Click-to-dial from my first extension; the handset answers itself via the auto-answer header. */
export function useDial() {
  const { mutate } = useMutation({
    mutationFn: ({ number, from }: { number: string; from: string }) =>
      dial({
        number,
        extenOrUniqueId: dialSource(from),
        // As the vendor's own client does: the number being dialled is the caller ID the
        // handset shows for the first leg, and the caption beside it.
        callerId: number,
        autoAnswer: HANDSETS[useSettings.getState().handset].answerString,
        monitored: 'yes',
        phoneCaption: number,
      }),
    retry: false,
    onSuccess: (_r, { number, from }) => useAgent.getState().dialChanged({ state: 'sent', number, from }),
    onError: (e, { number }) => {
      recordDiag('info', `dial ${number} failed: ${describeError(e)}`)
      useAgent.getState().dialChanged({ state: 'error', message: friendlyError(e, 'dial') })
    },
  })
  return (raw: string) => {
    const agent = useAgent.getState()
    if (agent.dial.state === 'sending') return
    const from = useSettings.getState().myExtensions[0]
    if (!from) {
      agent.dialChanged({
        state: 'error',
        message: 'Set your own extension (My extensions, in Settings) to dial from.',
      })
      return
    }
    const parsed = parseDialNumber(raw)
    if (!parsed.ok) {
      agent.dialChanged({ state: 'error', message: parsed.error })
      return
    }
    agent.dialChanged({ state: 'sending', number: parsed.number })
    mutate({ number: parsed.number, from })
  }
}
