import { useId, useState } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { useSettings } from '../settings/settings-store.ts'
import { notificationsSupported } from './desktop-notify.ts'
import { SoundToggle } from './sound-toggle.tsx'

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <label className="flex items-center gap-2 text-sm">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} className="size-4" />
      {label}
    </label>
  )
}

const permissionWords: Record<NotificationPermission, string> = {
  granted: 'allowed',
  denied: 'blocked in the browser (change it in the site settings)',
  default: 'not asked yet',
}

/** Ringtone, desktop notifications and title flashing, for calls ringing on my extensions. */
export function AlertSettings() {
  const volume = useSettings((s) => s.volume)
  const notifications = useSettings((s) => s.notifications)
  const flash = useSettings((s) => s.flashTitle)
  const changed = useSettings((s) => s.settingsChanged)
  const volumeId = useId()
  const supported = notificationsSupported()
  const [permission, setPermission] = useState<NotificationPermission>(supported ? Notification.permission : 'denied')

  const askPermission = async () => {
    const result = await Notification.requestPermission()
    setPermission(result)
    changed({ notifications: result === 'granted' })
  }

  return (
    <fieldset className="flex flex-col gap-2 rounded-md border border-slate-200 p-3 dark:border-slate-700">
      <legend className="px-1 text-sm font-medium">Alerts for calls ringing on my extensions</legend>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        {/* The same control as in the agent bar: one way to turn the ringtone on, unlocking audio. */}
        <SoundToggle />
        <label htmlFor={volumeId}>Ringtone volume</label>
        <input
          id={volumeId}
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={volume}
          onChange={(e) => changed({ volume: Number(e.target.value) })}
          aria-valuetext={`${Math.round(volume * 100)}%`}
        />
        <span className="tabular-nums">{Math.round(volume * 100)}%</span>
      </div>
      <Check label="Flash the tab title" checked={flash} onChange={(v) => changed({ flashTitle: v })} />
      {supported ? (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          {permission === 'granted' ? (
            <Check
              label="Desktop notifications while the panel is in the background"
              checked={notifications}
              onChange={(v) => changed({ notifications: v })}
            />
          ) : (
            <Button onClick={() => void askPermission()} disabled={permission === 'denied'}>
              Allow desktop notifications
            </Button>
          )}
          <span className="text-slate-600 dark:text-slate-300">Browser permission: {permissionWords[permission]}</span>
        </div>
      ) : (
        <p className="text-sm">This browser cannot show desktop notifications.</p>
      )}
    </fieldset>
  )
}
