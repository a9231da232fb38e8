import { create } from 'zustand'
import { persist, type PersistStorage, type StorageValue } from 'zustand/middleware'
import { HANDSET_TYPES, type HandsetType } from '../pbx/handsets.ts'
import { parseExtensions } from './extensions.ts'
import { templateProblem } from './screen-pop.ts'

export type Theme = 'system' | 'light' | 'dark'
export type View = 'agent' | 'grid' | 'wall'

export interface Settings {
  /** Extensions watched (stored choice; the URL's ?exten= wins). */
  extensions: string[]
  /** Extensions I answer for: their calls come first and alert. */
  myExtensions: string[]
  handset: HandsetType
  agentLoginName: string
  sound: boolean
  volume: number
  notifications: boolean
  flashTitle: boolean
  theme: Theme
  view: View
  /** Seconds a call may ring or queue before it is escalated in colour. */
  escalateAfterSec: number
  /** Screen pop: a CRM address with {callerId}, offered as a link on ringing and answered calls ('' = off). */
  screenPopUrl: string
}

// Nothing about extensions is built in: until the user chooses, the server's defaults apply (GET /api/session).
export const defaultSettings: Settings = {
  extensions: [],
  myExtensions: [],
  handset: 'yealink',
  agentLoginName: '',
  sound: false,
  volume: 0.6,
  // On: they show once the browser allows them (a browser that already does shows them at once).
  notifications: true,
  flashTitle: true,
  theme: 'system',
  view: 'agent',
  escalateAfterSec: 30,
  screenPopUrl: '',
}

interface SettingsState extends Settings {
  settingsChanged: (patch: Partial<Settings>) => void
  settingsReset: () => void
}

/** Stored values must also make sense (an unknown handset breaks Answer); above the store, which hydrates inside create(). */
const VALID: Partial<Record<keyof Settings, (v: unknown) => boolean>> = {
  handset: (v) => (HANDSET_TYPES as readonly unknown[]).includes(v),
  theme: (v) => v === 'system' || v === 'light' || v === 'dark',
  view: (v) => v === 'agent' || v === 'grid' || v === 'wall',
  volume: (v) => typeof v === 'number' && v >= 0 && v <= 1,
  escalateAfterSec: (v) => typeof v === 'number' && Number.isFinite(v) && v > 0,
  screenPopUrl: (v) => typeof v === 'string' && templateProblem(v) === null,
}

export const SETTINGS_KEY = 'switchboard.settings'
/** This browser's own preferences, whoever signs in: the theme (the sign-in page wears it too). */
const DEVICE_KEY = 'switchboard.device'
const DEVICE_FIELDS = ['theme'] as const satisfies readonly (keyof Settings)[]

function readJson(key: string): StorageValue<Partial<Settings>> | null {
  try {
    const raw = localStorage.getItem(key)
    return raw ? (JSON.parse(raw) as StorageValue<Partial<Settings>>) : null
  } catch {
    return null
  }
}

/** The user's entry, with the device's preferences over it; each write goes to both. */
const settingsStorage: PersistStorage<SettingsState> = {
  getItem: (name) => {
    const own = readJson(name)
    const device = readJson(DEVICE_KEY)
    if (!own && !device) return null
    return { state: { ...own?.state, ...device?.state }, version: own?.version ?? 1 } as StorageValue<SettingsState>
  },
  setItem: (name, value) => {
    const device = Object.fromEntries(DEVICE_FIELDS.map((k) => [k, value.state[k]]))
    try {
      localStorage.setItem(name, JSON.stringify(value))
      localStorage.setItem(DEVICE_KEY, JSON.stringify({ state: device, version: 1 }))
    } catch {
      // Storage full or blocked: kept in this page only.
    }
  },
  removeItem: (name) => localStorage.removeItem(name),
}

export const useSettings = create<SettingsState>()(
  persist(
    (set) => ({
      ...defaultSettings,
      settingsChanged: (patch) => set(patch),
      settingsReset: () => set(defaultSettings),
    }),
    {
      // The local developer's key; a signed-in user's is their own (settingsStoredAs).
      name: SETTINGS_KEY,
      version: 1,
      storage: settingsStorage,
      // A corrupted or hand-edited entry must not break the panel: keep only well-typed fields. What the entry
      // lacks is the default, not what the store held (another user's, on a switch).
      merge: (persisted, current) => ({ ...current, ...defaultSettings, ...sanitize(persisted) }),
    },
  ),
)

/** Whether this user's settings were ever saved in this browser (a first visit takes the server's defaults). */
export function hasStoredSettings(): boolean {
  try {
    return localStorage.getItem(useSettings.persist.getOptions().name ?? SETTINGS_KEY) !== null
  } catch {
    return false
  }
}

/** Settings are a user's own: another user's are read and written under their own key. */
export function settingsStoredAs(name: string): void {
  if (useSettings.persist.getOptions().name === name) return
  useSettings.persist.setOptions({ name })
  void useSettings.persist.rehydrate()
}

function sanitize(raw: unknown): Partial<Settings> {
  if (!raw || typeof raw !== 'object') return {}
  const out: Partial<Settings> = {}
  const r = raw as Record<string, unknown>
  for (const [k, v] of Object.entries(defaultSettings) as [keyof Settings, unknown][]) {
    const value = r[k]
    if (value === undefined) continue
    if (Array.isArray(v)) {
      if (Array.isArray(value)) {
        const parsed = parseExtensions(value.filter((x) => typeof x === 'string').join(','))
        if (parsed.ok) (out as Record<string, unknown>)[k] = parsed.extensions
      }
    } else if (typeof value === typeof v && (VALID[k]?.(value) ?? true)) (out as Record<string, unknown>)[k] = value
  }
  return out
}
