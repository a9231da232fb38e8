import { Button } from '../components/ui/button.tsx'
import { useAgentMessage } from '../features/agent/agent-message.ts'
import { useFeed } from '../features/calls/feed-store.ts'
import { useUrlNotice } from '../features/settings/watched-extensions.ts'

const alertClass = 'text-red-800 dark:text-red-200'

/**
 * One line, always there and always one line high, for whatever the panel has to say (a broken
 * link, a dial's result, a keyboard hint, a resync): a message never moves the calls below it.
 */
export function MessageLine() {
  const urlError = useUrlNotice()
  const notice = useFeed((s) => s.notice)
  const dismiss = useFeed((s) => s.noticeDismissed)
  const agent = useAgentMessage()
  const alert = urlError ? { text: urlError, id: undefined } : agent?.alert ? agent : null
  const info = alert || notice ? null : agent
  return (
    <div className="flex h-8 min-w-0 shrink-0 items-center gap-2 overflow-hidden text-sm">
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
