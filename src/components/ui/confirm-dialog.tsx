import { useId } from 'react'
import { Button } from './button.tsx'
import { useModalOnMount } from './use-modal.ts'

/**
 * A native modal asking yes or no: in the top layer, so asking moves nothing on the page; Escape
 * or Cancel says no.
 */
export function ConfirmDialog({
  title,
  body,
  confirmLabel,
  onAnswer,
}: {
  title: string
  body: string
  confirmLabel: string
  onAnswer: (yes: boolean) => void
}) {
  const ref = useModalOnMount()
  const headingId = useId()
  return (
    <dialog
      ref={ref}
      aria-labelledby={headingId}
      onClose={(e) => onAnswer(e.currentTarget.returnValue === 'yes')}
      className="m-auto max-w-sm rounded-xl bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:bg-slate-900 dark:text-slate-100"
    >
      <form method="dialog" className="flex flex-col gap-3">
        <h2 id={headingId} className="text-lg font-semibold">
          {title}
        </h2>
        <p className="text-sm">{body}</p>
        <div className="flex justify-end gap-2">
          <Button type="submit" value="no" autoFocus>
            Cancel
          </Button>
          <Button type="submit" value="yes" variant="danger">
            {confirmLabel}
          </Button>
        </div>
      </form>
    </dialog>
  )
}
