import type { SessionInfo } from '../session/session-api.ts'
import { rightsOf } from '../session/session-store.ts'
import { hasStoredSettings, useSettings } from './settings-store.ts'

/**
 * When a session starts: My extensions are ones the user may act on — the stored choice kept where it is
 * allowed (none, if they chose none); on a first visit, or when nothing chosen is allowed any more, the
 * server's default (a user's whole `act` list; the local developer's SWITCHBOARD_MY_EXTENSIONS or the demo's).
 */
export function settingsFollowRights(session: SessionInfo): void {
  const { mayAct } = rightsOf(session.user)
  const s = useSettings.getState()
  const kept = s.myExtensions.filter(mayAct)
  const lost = s.myExtensions.length > 0 && kept.length === 0
  const next = !hasStoredSettings() || lost ? session.defaults.myExtensions.filter(mayAct) : kept
  if (next.length !== s.myExtensions.length || next.some((e, i) => e !== s.myExtensions[i]))
    s.settingsChanged({ myExtensions: next })
}
