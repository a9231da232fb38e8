import type { Rights } from '../session/session-store.ts'
import { useSettings } from './settings-store.ts'

/**
 * Signed in: My extensions are ones the user may act on — the stored choice kept where it is allowed, else
 * the user's whole `act` list (the default). The local developer's choice is theirs.
 */
export function settingsFollowRights(rights: Rights): void {
  if (rights.all) return
  const s = useSettings.getState()
  const kept = s.myExtensions.filter(rights.mayAct)
  const next = kept.length ? kept : [...rights.act]
  if (next.length !== s.myExtensions.length || next.some((e, i) => e !== s.myExtensions[i]))
    s.settingsChanged({ myExtensions: next })
}
