import { useId } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { useMyExtensions } from '../calls/my-extensions.ts'
import { useRights } from '../session/session-store.ts'

/**
 * Shown while My extensions is empty: everything personal (A, Dial, history, alerts) keys on it, and
 * without this nothing says why it does nothing. Present from the first render or not at all.
 */
export function FirstRunPrompt({ onSetUp }: { onSetUp: () => void }) {
  const mine = useMyExtensions()
  const rights = useRights()
  const headingId = useId()
  if (mine.length > 0) return null
  const mayAct = rights.all || rights.act.length > 0
  return (
    <section
      aria-labelledby={headingId}
      className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-xl border border-sky-300 bg-sky-50 p-3 text-sm text-sky-950 dark:border-sky-800 dark:bg-sky-950 dark:text-sky-50"
    >
      <div className="flex min-w-0 flex-1 basis-64 flex-col gap-1">
        <h2 id={headingId} className="font-semibold">
          {mayAct ? 'Set your own extensions to take calls' : 'You can watch calls only'}
        </h2>
        <p>
          {mayAct
            ? 'No extension is marked as yours yet, so the A shortcut, Dial, call history, the ringtone, notifications and the title flash do nothing.'
            : 'Your account has no extension to answer or dial from; ask your administrator if you take calls.'}
        </p>
      </div>
      {mayAct && (
        <Button variant="primary" onClick={onSetUp}>
          Set my extensions
        </Button>
      )}
    </section>
  )
}
