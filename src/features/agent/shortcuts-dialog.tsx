import { useEffect, useRef } from 'react'
import { Button } from '../../components/ui/button.tsx'
import { useAgent } from './agent-store.ts'
import { SHORTCUTS } from './shortcuts.ts'

/** A native modal <dialog>: it traps focus, closes on Escape and hands focus back by itself. */
export function ShortcutsDialog() {
  const open = useAgent((s) => s.helpOpen)
  const requests = useAgent((s) => s.helpRequests)
  const toggled = useAgent((s) => s.helpToggled)
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (!d) return
    if (open && !d.open) d.showModal()
    if (!open && d.open) d.close()
  }, [open, requests])
  return (
    <dialog
      ref={ref}
      aria-labelledby="shortcuts-heading"
      // A late close event (after a quick re-open) must not shut the dialog that is open now.
      onClose={(e) => e.currentTarget.open || toggled(false)}
      className="m-auto max-w-md rounded-xl bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100"
    >
      <h2 id="shortcuts-heading" className="mb-3 text-lg font-semibold">
        Keyboard shortcuts
      </h2>
      <dl className="mb-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
        {SHORTCUTS.map((s) => (
          <div key={s.description} className="contents">
            <dt className="flex items-start gap-1">
              {s.keys.map((k) => (
                <kbd key={k} className="rounded border border-slate-400 px-1.5 font-mono text-xs">
                  {k}
                </kbd>
              ))}
            </dt>
            <dd>{s.description}</dd>
          </div>
        ))}
      </dl>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-300">
        Letters work when the cursor is not in a text field; Alt+A works everywhere. Tab moves between buttons.
      </p>
      <Button variant="primary" onClick={() => toggled(false)} autoFocus>
        Close
      </Button>
    </dialog>
  )
}
