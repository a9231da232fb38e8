import { useEffect, useRef } from 'react'

/** A ref for a <dialog> that opens as a modal when it mounts (native: focus trap, Escape, focus back). */
export function useModalOnMount() {
  const ref = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    const d = ref.current
    if (d && !d.open) d.showModal()
  }, [])
  return ref
}
