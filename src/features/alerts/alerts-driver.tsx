import { useEffect } from 'react'
import { useSettings } from '../settings/settings-store.ts'
import { startRingAlerts } from './ring-alerts.ts'
import { audioReady, unlockAudio, useAudioStatus } from './ringtone.ts'

/** Runs the ring alerts in every view; shows the audio state to tests (and curious support staff). */
export function AlertsDriver() {
  const context = useAudioStatus((s) => s.context)
  const ringtone = useAudioStatus((s) => s.ringtone)

  useEffect(() => startRingAlerts(), [])

  useEffect(() => {
    // Any click or key is a gesture that may resume audio, if the agent wants sound.
    const onGesture = () => {
      if (useSettings.getState().sound && !audioReady()) void unlockAudio()
    }
    window.addEventListener('pointerdown', onGesture, true)
    window.addEventListener('keydown', onGesture, true)
    return () => {
      window.removeEventListener('pointerdown', onGesture, true)
      window.removeEventListener('keydown', onGesture, true)
    }
  }, [])

  return <span hidden data-testid="audio-state" data-audio={context} data-ringtone={ringtone} />
}
