import { formatClock } from '../../lib/time.ts'
import { Button } from '../../components/ui/button.tsx'
import { Drawer, DrawerClose } from '../../components/ui/drawer.tsx'
import { useDiagnostics } from './diagnostics-store.ts'
import { cursorOf, useFeed } from './feed-store.ts'

function download() {
  const { entries } = useDiagnostics.getState()
  const { sync, watching, connection, lastReplyAt } = useFeed.getState()
  const report = {
    app: 'Switchboard',
    createdAt: new Date().toISOString(),
    userAgent: navigator.userAgent,
    feed: {
      seq: cursorOf(sync),
      step: sync.step,
      watching,
      connection,
      lastReplyAt: lastReplyAt ? new Date(lastReplyAt).toISOString() : null,
    },
    entries: entries.map((e) => ({ ...e, at: new Date(e.at).toISOString() })),
  }
  const url = URL.createObjectURL(new Blob([JSON.stringify(report, null, 2)], { type: 'application/json' }))
  const a = document.createElement('a')
  a.href = url
  a.download = `switchboard-diagnostics-${Date.now()}.json`
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 1000)
}

/** The feed's recent history (requests, replies, faults, resyncs) for support, in a drawer like Settings. */
export function DiagnosticsPanel({ onClose }: { onClose: () => void }) {
  const entries = useDiagnostics((s) => s.entries)
  const shown = entries.slice(-200).reverse()
  return (
    <Drawer labelledBy="diagnostics-heading" onClose={onClose} wide>
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="diagnostics-heading" className="text-lg font-semibold">
          Diagnostics
        </h2>
        <span className="text-sm text-slate-600 dark:text-slate-300">{entries.length} feed events kept (last 500)</span>
        <div className="ml-auto flex gap-2">
          <Button onClick={download}>Download diagnostics</Button>
          <DrawerClose>Close diagnostics</DrawerClose>
        </div>
      </div>
      <div className="mt-2">
        <table className="w-full text-left text-xs">
          <caption className="sr-only">Most recent feed events first</caption>
          <thead>
            <tr>
              <th scope="col" className="pr-3">
                Time
              </th>
              <th scope="col" className="pr-3">
                Type
              </th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody className="font-mono">
            {shown.map((e, i) => (
              <tr key={`${e.at}-${i}`} className={e.type === 'fault' ? 'text-red-700 dark:text-red-300' : ''}>
                <td className="pr-3 whitespace-nowrap">{formatClock(e.at)}</td>
                <td className="pr-3">{e.type}</td>
                <td className="break-all">{e.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Drawer>
  )
}
