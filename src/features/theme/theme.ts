// Puts the chosen theme on <html>: Tailwind's `dark:` variant keys off the `dark` class (src/index.css).
import { useSettings, type Theme } from '../settings/settings-store.ts'

const DARK_QUERY = '(prefers-color-scheme: dark)'

export function resolveTheme(theme: Theme, systemDark: boolean): 'light' | 'dark' {
  return theme === 'system' ? (systemDark ? 'dark' : 'light') : theme
}

function apply(theme: Theme, media: MediaQueryList | null): void {
  const resolved = resolveTheme(theme, media?.matches ?? false)
  const root = document.documentElement
  root.classList.toggle('dark', resolved === 'dark')
  // Native controls (scrollbars, selects) follow too.
  root.style.colorScheme = resolved
}

/** Applies the theme now and keeps it applied as the setting or the OS preference changes. */
export function startTheme(): () => void {
  const media = typeof window.matchMedia === 'function' ? window.matchMedia(DARK_QUERY) : null
  const update = () => apply(useSettings.getState().theme, media)
  update()
  const unsubscribe = useSettings.subscribe((s, prev) => s.theme !== prev.theme && update())
  media?.addEventListener('change', update)
  return () => {
    unsubscribe()
    media?.removeEventListener('change', update)
  }
}
