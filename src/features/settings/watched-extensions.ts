import { useMemo } from 'react'
import { create } from 'zustand'
import { useDefaultExtensions, useGroups, useRights } from '../session/session-store.ts'
import { parseExtensions } from './extensions.ts'
import { useSettings } from './settings-store.ts'

interface UrlExtensions {
  /** `?exten=` of the current URL, when present and valid: it wins over the stored choice. */
  fromUrl: string[] | null
  urlError: string | null
  /** `?group=`: a named list the server holds (SWITCHBOARD_GROUPS or the users file). */
  group: string | null
}

function readUrl(): UrlExtensions {
  const params = new URLSearchParams(window.location.search)
  const group = params.get('group')?.trim() || null
  const raw = params.get('exten')
  if (raw === null) return { fromUrl: null, urlError: null, group }
  const parsed = parseExtensions(raw)
  if (!parsed.ok) return { fromUrl: null, urlError: `The link's extension list was ignored. ${parsed.error}`, group }
  // `?exten=` with nothing in it is a broken link, not a wish to watch nothing.
  if (parsed.extensions.length === 0)
    return { fromUrl: null, urlError: "The link's extension list was empty and is ignored.", group }
  return { fromUrl: parsed.extensions, urlError: null, group }
}

export const useUrlExtensions = create<UrlExtensions>()(() => readUrl())

if (typeof window !== 'undefined') window.addEventListener('popstate', () => useUrlExtensions.setState(readUrl()))

/** The link's extensions (its `?exten=` and its known `?group=`), or null when the link names none. */
function useLinkExtensions(): string[] | null {
  const fromUrl = useUrlExtensions((s) => s.fromUrl)
  const group = useUrlExtensions((s) => s.group)
  const groups = useGroups()
  return useMemo(() => {
    const ofGroup = group !== null && Object.hasOwn(groups, group) ? groups[group] : null
    if (!fromUrl && !ofGroup) return null
    return [...new Set([...(fromUrl ?? []), ...(ofGroup ?? [])])]
  }, [fromUrl, group, groups])
}

/** The extensions on screen: the link's, else the stored choice, else the server's default — only those the user may watch. */
export function useWatchedExtensions(): string[] {
  const fromLink = useLinkExtensions()
  const stored = useSettings((s) => s.extensions)
  const defaults = useDefaultExtensions()
  const { mayWatch } = useRights()
  return useMemo(() => {
    if (fromLink) return fromLink.filter(mayWatch)
    // A choice that no longer holds anything watchable (rights changed) means nothing: back to the default.
    const chosen = stored.filter(mayWatch)
    return chosen.length ? chosen : defaults.filter(mayWatch)
  }, [fromLink, stored, defaults, mayWatch])
}

/** What is wrong with the link: an unreadable `?exten=`, an unknown `?group=`, or extensions the user may not watch. */
export function useUrlNotice(): string | null {
  const { fromUrl, urlError, group } = useUrlExtensions()
  const groups = useGroups()
  const { mayWatch } = useRights()
  const refused = useMemo(() => (fromUrl ?? []).filter((e) => !mayWatch(e)), [fromUrl, mayWatch])
  if (urlError) return urlError
  if (group !== null && !Object.hasOwn(groups, group)) {
    const known = Object.keys(groups)
    return `The link's group "${group.slice(0, 32)}" is not known here${known.length ? ` (groups: ${known.slice(0, 8).join(', ')})` : ': no groups are set up'}.`
  }
  if (group !== null && groups[group].length === 0) return `None of group "${group}"'s extensions are yours to watch.`
  return refused.length
    ? `The link's extensions not yours to watch are ignored: ${refused.slice(0, 5).join(', ')}${refused.length > 5 ? '…' : ''}.`
    : null
}

/** Save a new choice and put it in the URL, so the address bar stays shareable and true. */
export function chooseExtensions(extensions: string[]): void {
  useSettings.getState().settingsChanged({ extensions })
  const url = new URL(window.location.href)
  if (extensions.length) url.searchParams.set('exten', extensions.join(','))
  else url.searchParams.delete('exten')
  url.searchParams.delete('group')
  window.history.replaceState(null, '', url.toString().replace(/%2C/g, ','))
  useUrlExtensions.setState({ fromUrl: extensions.length ? extensions : null, urlError: null, group: null })
}
