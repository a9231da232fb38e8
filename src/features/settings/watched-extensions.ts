import { useMemo } from 'react'
import { create } from 'zustand'
import { useRights } from '../session/session-store.ts'
import { parseExtensions } from './extensions.ts'
import { useSettings } from './settings-store.ts'

interface UrlExtensions {
  /** `?exten=` of the current URL, when present and valid: it wins over the stored choice. */
  fromUrl: string[] | null
  urlError: string | null
}

function readUrl(): UrlExtensions {
  const raw = new URLSearchParams(window.location.search).get('exten')
  if (raw === null) return { fromUrl: null, urlError: null }
  const parsed = parseExtensions(raw)
  if (!parsed.ok) return { fromUrl: null, urlError: `The link's extension list was ignored. ${parsed.error}` }
  // `?exten=` with nothing in it is a broken link, not a wish to watch nothing.
  if (parsed.extensions.length === 0)
    return { fromUrl: null, urlError: "The link's extension list was empty and is ignored." }
  return { fromUrl: parsed.extensions, urlError: null }
}

export const useUrlExtensions = create<UrlExtensions>()(() => readUrl())

if (typeof window !== 'undefined') window.addEventListener('popstate', () => useUrlExtensions.setState(readUrl()))

/** The extensions on screen: the URL's, else the stored setting — only those the user may watch. */
export function useWatchedExtensions(): string[] {
  const fromUrl = useUrlExtensions((s) => s.fromUrl)
  const stored = useSettings((s) => s.extensions)
  const { mayWatch } = useRights()
  return useMemo(() => (fromUrl ?? stored).filter(mayWatch), [fromUrl, stored, mayWatch])
}

/** What is wrong with the link's `?exten=`: unreadable, or naming extensions the user may not watch. */
export function useUrlNotice(): string | null {
  const { fromUrl, urlError } = useUrlExtensions()
  const { mayWatch } = useRights()
  const refused = useMemo(() => (fromUrl ?? []).filter((e) => !mayWatch(e)), [fromUrl, mayWatch])
  if (urlError) return urlError
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
  window.history.replaceState(null, '', url.toString().replace(/%2C/g, ','))
  useUrlExtensions.setState({ fromUrl: extensions.length ? extensions : null, urlError: null })
}
