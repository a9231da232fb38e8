import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultSettings, useSettings } from './settings-store.ts'

const KEY = 'switchboard.settings'

async function loadStored(state: unknown, version = 1) {
  localStorage.setItem(KEY, JSON.stringify({ state, version }))
  await useSettings.persist.rehydrate()
  return useSettings.getState()
}

beforeEach(() => {
  useSettings.setState(defaultSettings)
  // After the reset, whose write would put the default theme in this browser's own entry.
  localStorage.clear()
})
afterEach(() => localStorage.clear())

describe('settings persistence', () => {
  it('persists a change and reads it back', async () => {
    useSettings.getState().settingsChanged({ extensions: ['400', 'SIP/410'], handset: 'snom', volume: 0.2 })
    const stored = JSON.parse(localStorage.getItem(KEY) ?? '{}') as { state: Record<string, unknown> }
    expect(stored.state).toMatchObject({ extensions: ['400', 'SIP/410'], handset: 'snom', volume: 0.2 })
    const raw = localStorage.getItem(KEY) ?? ''
    // setState writes through to storage, so put the saved entry back before reading it.
    useSettings.setState(defaultSettings)
    localStorage.setItem(KEY, raw)
    await useSettings.persist.rehydrate()
    expect(useSettings.getState()).toMatchObject({ extensions: ['400', 'SIP/410'], handset: 'snom', volume: 0.2 })
  })

  it('keeps the well-typed fields of a corrupted entry and drops the rest', async () => {
    const s = await loadStored({
      extensions: ['410', 42, null, '420'],
      myExtensions: 'not a list',
      handset: 7,
      sound: 'yes',
      volume: 0.3,
      theme: 'dark',
      agentLoginName: { evil: true },
      unknownField: 'x',
    })
    expect(s.extensions).toEqual(['410', '420'])
    expect(s.myExtensions).toEqual(defaultSettings.myExtensions)
    expect(s.handset).toBe(defaultSettings.handset)
    expect(s.sound).toBe(defaultSettings.sound)
    expect(s.volume).toBe(0.3)
    expect(s.theme).toBe('dark')
    expect(s.agentLoginName).toBe(defaultSettings.agentLoginName)
    expect(s).not.toHaveProperty('unknownField')
    expect(typeof s.settingsChanged).toBe('function')
  })

  it('drops a stored extension list holding junk rather than watching junk', async () => {
    const s = await loadStored({ extensions: ['410', '<img src=x onerror=alert(1)>'] })
    expect(s.extensions).toEqual(defaultSettings.extensions)
  })

  it('drops stored values outside their allowed set (handset, theme, view) and out-of-range numbers', async () => {
    const s = await loadStored({ handset: 'nokia', theme: 'purple', view: 'kanban', volume: 7, escalateAfterSec: -5 })
    expect(s.handset).toBe(defaultSettings.handset)
    expect(s.theme).toBe(defaultSettings.theme)
    expect(s.view).toBe(defaultSettings.view)
    expect(s.volume).toBe(defaultSettings.volume)
    expect(s.escalateAfterSec).toBe(defaultSettings.escalateAfterSec)
  })

  it.each([
    ['not json at all {'],
    ['null'],
    ['"a string"'],
    ['{"state":null,"version":1}'],
    ['{"state":[1,2],"version":1}'],
  ])('survives a stored entry of %s', async (raw) => {
    localStorage.setItem(KEY, raw)
    await useSettings.persist.rehydrate()
    expect(useSettings.getState()).toMatchObject(defaultSettings)
  })

  it('resets to the defaults', () => {
    useSettings.getState().settingsChanged({ extensions: ['999'], theme: 'dark' })
    useSettings.getState().settingsReset()
    expect(useSettings.getState()).toMatchObject(defaultSettings)
  })
})
