// Alerts for calls ringing on my extensions; every one stops the moment no call of mine rings.
import { useFeed } from '../calls/feed-store.ts'
import { ringingMine } from '../calls/my-extensions.ts'
import { useSettings } from '../settings/settings-store.ts'
import { closeNotification, notificationsGranted, notifyRinging, pageIsAway } from './desktop-notify.ts'
import { startRingtone, stopRingtone, useAudioStatus } from './ringtone.ts'
import { flashTitle, stopFlashingTitle } from './title-flash.ts'

/** Runs the alerts until the returned function is called. */
export function startRingAlerts(): () => void {
  const notified = new Set<string>()

  const reconcile = () => {
    const settings = useSettings.getState()
    const ringing = ringingMine(useFeed.getState().model, settings.myExtensions)
    const keys = new Set(ringing.map((c) => `${c.ext}|${c.id}`))

    for (const key of notified) {
      if (keys.has(key)) continue
      notified.delete(key)
      closeNotification(key)
    }
    // Cheapest first: Notification.permission is a synchronous call into the browser, on every feed change.
    if (ringing.length && settings.notifications && pageIsAway() && notificationsGranted())
      for (const c of ringing) {
        const key = `${c.ext}|${c.id}`
        if (notified.has(key)) continue
        notified.add(key)
        notifyRinging(key, c)
      }

    if (ringing.length && settings.sound) startRingtone(settings.volume)
    else stopRingtone()

    if (ringing.length && settings.flashTitle) {
      const first = ringing[0]
      const more = ringing.length > 1 ? ` (+${ringing.length - 1})` : ''
      flashTitle(`📞 ${first.callerId || 'Call'} ringing on ${first.ext}${more}`)
    } else stopFlashingTitle()
  }

  reconcile()
  const offFeed = useFeed.subscribe((s, prev) => s.model !== prev.model && reconcile())
  const offSettings = useSettings.subscribe(reconcile)
  // Audio unlocked mid-ring: start now; the agent left the page mid-ring: notify now.
  const offAudio = useAudioStatus.subscribe((s, prev) => s.context !== prev.context && reconcile())
  window.addEventListener('blur', reconcile)
  document.addEventListener('visibilitychange', reconcile)
  return () => {
    offFeed()
    offSettings()
    offAudio()
    window.removeEventListener('blur', reconcile)
    document.removeEventListener('visibilitychange', reconcile)
    for (const key of notified) closeNotification(key)
    stopRingtone()
    stopFlashingTitle()
  }
}
