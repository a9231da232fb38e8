import { Button } from '../../components/ui/button.tsx'
import { useSettings } from '../settings/settings-store.ts'
import { unlockAudio, useAudioStatus } from './ringtone.ts'

/** One click turns the ringtone on and unlocks audio (browsers need a gesture for that). */
export function SoundToggle() {
  const sound = useSettings((s) => s.sound)
  const changed = useSettings((s) => s.settingsChanged)
  const running = useAudioStatus((s) => s.context === 'running')
  if (sound && running)
    return (
      <Button aria-pressed onClick={() => changed({ sound: false })} title="Ringtone on: click to mute">
        Sound on
      </Button>
    )
  return (
    <Button
      variant={sound ? 'primary' : 'secondary'}
      onClick={() => {
        changed({ sound: true })
        void unlockAudio()
      }}
    >
      Enable sound
    </Button>
  )
}
