import { screenPopHref } from '../settings/screen-pop.ts'
import { useSettings } from '../settings/settings-store.ts'
import type { Call } from './call-model.ts'

/** "Open in CRM" on a ringing or answered call, when Settings has a screen pop address. */
export function ScreenPopLink({ call }: { call: Call }) {
  const template = useSettings((s) => s.screenPopUrl)
  const live = call.endedAt === undefined && (call.status === 'Ringing' || call.status === 'Connected')
  const href = live ? screenPopHref(template, call.callerId) : null
  if (!href) return null
  return (
    <a
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      className="shrink-0 text-xs font-medium text-sky-800 underline hover:text-sky-950 dark:text-sky-300"
      aria-label={`Open ${call.callerId} in CRM (new tab)`}
    >
      CRM ↗
    </a>
  )
}
