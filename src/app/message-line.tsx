import { Button } from '../components/ui/button.tsx'
import { useAgentMessage } from '../features/agent/agent-message.ts'
import { useFeed } from '../features/calls/feed-store.ts'
import { useUrlNotice } from '../features/settings/watched-extensions.ts'

const alertClass = 'text-red-800 dark:text-red-200'

/**
 * Whatever the panel has to say (a broken link, a dial's result, a keyboard hint, a resync), beside
 * the status line. Empty, it takes no room; with words, it fills the rest of the status line (on a
 * narrow screen, the line below it).
 */
export function MessageLine() {
  const urlError = useUrlNotice()
  const notice = useFeed((s) => s.notice)
  const dismiss = useFeed((s) => s.noticeDismissed)
  const agent = useAgentMessage()
  const alert = urlError ? { text: urlError, id: undefined } : agent?.alert ? agent : null
  const info = alert || notice ? null : agent
  return (
    <div
      className={`flex min-w-0 flex-1 items-center gap-2 text-sm ${alert || notice || info ? 'basis-64' : 'basis-0'}`}
    >
      {alert && (
        <p role="alert" id={alert.id} title={alert.text} className={`min-w-0 truncate font-medium ${alertClass}`}>
          {alert.text}
        </p>
      )}
      {!alert && notice && (
        <>
          <p
            title={notice}
            className="min-w-0 truncate rounded bg-sky-100 px-2 text-sky-950 dark:bg-sky-950 dark:text-sky-100"
          >
            {notice}
          </p>
          <Button variant="ghost" className="shrink-0 py-1" onClick={dismiss}>
            Dismiss
          </Button>
        </>
      )}
      <p
        aria-live="polite"
        title={info?.text}
        className="min-w-0 truncate text-slate-700 empty:hidden dark:text-slate-200"
      >
        {info?.text}
      </p>
    </div>
  )
}
