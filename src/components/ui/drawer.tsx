import type { ReactNode } from 'react'
import { Button } from './button.tsx'
import { useModalOnMount } from './use-modal.ts'

/**
 * A modal drawer at the side (a native <dialog>, in the top layer): opening it moves nothing on the
 * page; it traps focus, Escape closes it and focus goes back to what opened it.
 */
export function Drawer({
  labelledBy,
  onClose,
  wide = false,
  children,
}: {
  labelledBy: string
  onClose: () => void
  wide?: boolean
  children: ReactNode
}) {
  const ref = useModalOnMount()
  return (
    <dialog
      ref={ref}
      aria-labelledby={labelledBy}
      onClose={onClose}
      className={`m-0 ml-auto h-dvh max-h-none ${wide ? 'w-[min(48rem,100vw)]' : 'w-[min(30rem,100vw)]'} max-w-none overflow-y-auto bg-white p-4 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:bg-slate-900 dark:text-slate-100`}
    >
      {children}
    </dialog>
  )
}

/** Closes the drawer it is in the way Escape does (the dialog's own close: focus goes back). */
export function DrawerClose({ children }: { children: ReactNode }) {
  return (
    <form method="dialog">
      <Button type="submit" variant="ghost">
        {children}
      </Button>
    </form>
  )
}
