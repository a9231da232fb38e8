// Which view is on screen: `?view=grid|wall|agent` in the URL wins (wall screens), else the stored setting.
import { create } from 'zustand'
import { useSettings, type View } from './settings-store.ts'

/** On screen: a view, or a supervisor's Reports — only ever through the URL (`?view=reports`), never stored. */
export type ShownView = View | 'reports'

const isView = (v: string | null): v is ShownView => v === 'agent' || v === 'grid' || v === 'wall' || v === 'reports'

const readUrl = (): ShownView | null => {
  const v = new URLSearchParams(window.location.search).get('view')
  return isView(v) ? v : null
}

/** `?kiosk=1`: the wall alone, full screen (a screen on the wall, nobody at its keyboard). */
const readKiosk = (): boolean => new URLSearchParams(window.location.search).get('kiosk') === '1'

export const useUrlView = create<{ fromUrl: ShownView | null; kiosk: boolean }>()(() => ({
  fromUrl: readUrl(),
  kiosk: readKiosk(),
}))

if (typeof window !== 'undefined')
  window.addEventListener('popstate', () => useUrlView.setState({ fromUrl: readUrl(), kiosk: readKiosk() }))

/** Whether the wall shows alone (kiosk mode): only with the wall view. */
export function useKiosk(): boolean {
  const kiosk = useUrlView((s) => s.kiosk)
  return useView() === 'wall' && kiosk
}

/** Leave kiosk mode: the header and the rest come back; the URL follows so a reload agrees. */
export function leaveKiosk(): void {
  const url = new URL(window.location.href)
  url.searchParams.delete('kiosk')
  window.history.replaceState(null, '', url.toString().replace(/%2C/g, ','))
  useUrlView.setState({ kiosk: false })
}

export function useView(): ShownView {
  const fromUrl = useUrlView((s) => s.fromUrl)
  const stored = useSettings((s) => s.view)
  return fromUrl ?? stored
}

/** Store the choice; a URL that named a view is updated so a reload shows the same thing. */
export function chooseView(view: View): void {
  useSettings.getState().settingsChanged({ view })
  if (useUrlView.getState().fromUrl === null) return
  const url = new URL(window.location.href)
  url.searchParams.set('view', view)
  window.history.replaceState(null, '', url.toString().replace(/%2C/g, ','))
  useUrlView.setState({ fromUrl: view })
}

/** Reports in the URL (a reload or a shared link shows them again; Back leaves them). */
export function openReports(): void {
  const url = new URL(window.location.href)
  url.searchParams.set('view', 'reports')
  window.history.pushState(null, '', url.toString().replace(/%2C/g, ','))
  useUrlView.setState({ fromUrl: 'reports' })
}
