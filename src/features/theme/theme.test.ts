import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defaultSettings, useSettings } from '../settings/settings-store.ts'
import { resolveTheme, startTheme } from './theme.ts'

describe('resolveTheme', () => {
  it('follows the system only when asked to', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('system', false)).toBe('light')
    expect(resolveTheme('light', true)).toBe('light')
    expect(resolveTheme('dark', false)).toBe('dark')
  })
})

describe('startTheme', () => {
  let systemDark = false
  const listeners = new Set<() => void>()
  beforeEach(() => {
    systemDark = false
    listeners.clear()
    vi.stubGlobal('matchMedia', (query: string) => ({
      get matches() {
        return query.includes('dark') && systemDark
      },
      addEventListener: (_: string, l: () => void) => listeners.add(l),
      removeEventListener: (_: string, l: () => void) => listeners.delete(l),
    }))
    useSettings.setState(defaultSettings)
  })
  afterEach(() => vi.unstubAllGlobals())

  it('toggles the dark class on <html> with the setting and, on system, with the OS', () => {
    const stop = startTheme()
    const html = document.documentElement
    expect(html).not.toHaveClass('dark')
    useSettings.getState().settingsChanged({ theme: 'dark' })
    expect(html).toHaveClass('dark')
    expect(html.style.colorScheme).toBe('dark')
    useSettings.getState().settingsChanged({ theme: 'system' })
    expect(html).not.toHaveClass('dark')
    systemDark = true
    for (const l of listeners) l()
    expect(html).toHaveClass('dark')
    stop()
    expect(listeners.size).toBe(0)
  })
})
