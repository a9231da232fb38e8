import { revealExtension } from '../calls/reveal-extension.ts'
import type { Call } from '../calls/call-model.ts'
import { useSettings } from '../settings/settings-store.ts'
import { chooseView, useUrlView } from '../settings/view-mode.ts'

const open = new Map<string, Notification>()

export const notificationsSupported = () => typeof Notification !== 'undefined'
export const notificationsGranted = () => notificationsSupported() && Notification.permission === 'granted'

/** The agent may not see the panel: another tab, another window, or minimised. */
export const pageIsAway = () => document.visibilityState !== 'visible' || !document.hasFocus()

const cardSelector = (ext: string, id: string) =>
  `article[data-ext="${CSS.escape(ext)}"][data-call-id="${CSS.escape(id)}"]`

/** Bring a call's card into view and give it focus, switching to the agent view if need be. */
export function focusCard(ext: string, id: string): void {
  const focus = () => {
    const card = document.querySelector<HTMLElement>(cardSelector(ext, id))
    card?.scrollIntoView({ block: 'center' })
    card?.focus()
    return !!card
  }
  // Columns far off screen are not rendered: bring the extension's row near first.
  const go = () => {
    if (!focus() && revealExtension(ext)) requestAnimationFrame(() => requestAnimationFrame(focus))
  }
  if ((useUrlView.getState().fromUrl ?? useSettings.getState().view) !== 'agent') {
    chooseView('agent')
    requestAnimationFrame(() => requestAnimationFrame(go))
  } else go()
}

export function notifyRinging(key: string, call: Call): void {
  const n = new Notification(`Call ringing on ${call.ext}`, {
    body: `From ${call.callerId || 'an unknown caller'}`,
    tag: `switchboard-${key}`,
    requireInteraction: true,
  })
  n.onclick = () => {
    window.focus()
    focusCard(call.ext, call.id)
    n.close()
  }
  open.set(key, n)
}

export function closeNotification(key: string): void {
  open.get(key)?.close()
  open.delete(key)
}
