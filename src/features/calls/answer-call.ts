import { answer } from '../pbx/pbx-client.ts'
import { describeError, friendlyError } from '../pbx/pbx-error.ts'
import { HANDSETS } from '../pbx/handsets.ts'
import { useSettings } from '../settings/settings-store.ts'
import { extKey, type Call } from './call-model.ts'
import { recordDiag } from './diagnostics-store.ts'
import { answerKey, useFeed } from './feed-store.ts'

const callIn = (byExt: Readonly<Record<string, readonly Call[]>>, ext: string, id: string) =>
  byExt[extKey(ext)]?.find((c) => c.id === id)

/** If no Connected event follows an accepted answer within this time, say so and re-enable. */
export const ANSWER_CONFIRM_MS = 15_000

async function send(ext: string, id: string, key: string): Promise<void> {
  try {
    await answer({ uniqueId: id, exten: ext, answerString: HANDSETS[useSettings.getState().handset].answerString })
  } catch (error) {
    recordDiag('answer', `answer ${id} on ${ext} failed: ${describeError(error)}`)
    useFeed.getState().answerChanged(key, { state: 'error', message: friendlyError(error, 'answer') })
    return
  }
  recordDiag('answer', `answer ${id} on ${ext}: accepted`)
  // The offer may have ended while the request was out: then there is nothing left to confirm.
  const now = callIn(useFeed.getState().model.byExt, ext, id)
  if (!now || now.endedAt !== undefined || answerKey(now) !== key) {
    useFeed.getState().answerChanged(key, null)
    return
  }
  useFeed.getState().answerChanged(key, { state: 'sent', at: Date.now() })
  setTimeout(() => {
    const s = useFeed.getState()
    const call = callIn(s.model.byExt, ext, id)
    if (s.answers[key]?.state === 'sent' && call?.status === 'Ringing' && answerKey(call) === key)
      s.answerChanged(key, {
        state: 'error',
        message: 'The PBX accepted the answer but the call did not connect. Check the handset type in Settings.',
      })
  }, ANSWER_CONFIRM_MS)
}

/**
 * Answer a ringing call: sent once per click, never retried, confirmed only by a Connected event.
 * A plain function, its state in the feed store: a screen of ringing cards needs no observer each.
 */
export function answerCall(ext: string, id: string): void {
  const s = useFeed.getState()
  const call = callIn(s.model.byExt, ext, id)
  if (!call || call.status !== 'Ringing') {
    // Said on the card still on screen (a lingering one keeps its key), or nowhere if it is gone.
    if (call)
      s.answerChanged(answerKey(call), {
        state: 'error',
        message: call.status === 'Connected' ? 'Already answered elsewhere' : 'This call is no longer ringing',
      })
    return
  }
  const key = answerKey(call)
  const pending = s.answers[key]
  if (pending && pending.state !== 'error') return
  // Marked before the request leaves, so a double click cannot send twice.
  s.answerChanged(key, { state: 'sending' })
  void send(ext, id, key)
}
