import { useEffect } from 'react'
import { useFeed } from '../calls/feed-store.ts'
import { useSettings } from '../settings/settings-store.ts'
import { useAgent } from './agent-store.ts'
import { commands, useSend } from './commands.ts'
import { DIAL_INPUT_ID } from './dial-box.tsx'
import { oldestAnswerable } from '../calls/my-extensions.ts'
import { answerKey } from '../calls/call-model.ts'
import { shortcutFor } from './shortcuts.ts'

/** The panel's keyboard shortcuts (see SHORTCUTS), on the whole window. */
export function useShortcuts() {
  const send = useSend()
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutFor(e)
      if (!action) return
      const agent = useAgent.getState()
      // A modal is up: only its own keys apply. The DOM, not the store: its close event may lag a key.
      if (document.querySelector('dialog[open]')) return
      e.preventDefault()
      if (action === 'help') return agent.helpToggled(true)
      if (action === 'dial') return document.getElementById(DIAL_INPUT_ID)?.focus()
      const mine = useSettings.getState().myExtensions
      const note = (text: string) => agent.lineEvent({ type: 'noted', text, now: Date.now() })
      if (mine.length === 0) return note('Set your own extension in Settings to answer from the keyboard.')
      const call = oldestAnswerable(useFeed.getState().model, mine)
      if (!call) return note('No call is ringing on your extensions.')
      const command = commands.answer(call)
      send(command, undefined)
      // Said until that answer settles: connected, ended, or failed (its card says why).
      agent.lineEvent({
        type: 'answering',
        text: `Answering ${call.callerId || 'the call'} on ${call.ext}`,
        key: answerKey(call),
      })
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [send])
}
