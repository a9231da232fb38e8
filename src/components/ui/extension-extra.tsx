import { createContext, useContext, type ReactNode } from 'react'

/** A slot in every extension's tile (grid and wall) that the app fills, e.g. with today's figures. */
export const ExtensionExtra = createContext<((ext: string) => ReactNode) | null>(null)

/** Renders what the app put in the slot for this extension, or nothing. */
export function ExtensionExtraSlot({ ext }: { ext: string }) {
  const extra = useContext(ExtensionExtra)
  return extra ? extra(ext) : null
}
