import { test, type APIRequestContext, type Page } from '@playwright/test'
import { DEMO_EXTENSIONS, settingsKey } from './fixtures.ts'
import { SIM_URL } from './ports.ts'

/**
 * The PBX simulator's control surface (`/__sim/*`): on its own port (scripts/e2e-server.mjs), as a PBX is not
 * the server; the `dev` project's through the dev server, which forwards it to its built-in PBX.
 */
export function simControl(request: APIRequestContext, simUrl?: string) {
  const at = simUrl ?? (test.info().project.name === 'dev' ? '' : SIM_URL)
  const call = async <T = unknown>(action: string, body: Record<string, unknown> = {}): Promise<T> => {
    const res = await request.post(`${at}/__sim/${action}`, { data: body })
    if (!res.ok()) throw new Error(`sim ${action}: HTTP ${res.status()} ${await res.text()}`)
    return (await res.json()) as T
  }
  return {
    reset: () => call('reset'),
    ring: (ext: string, o: { callerId?: string; queue?: boolean; canAnswer?: boolean; fromExt?: string } = {}) =>
      call<{ uniqueCallId: string }>('ring', { ext, ...o }).then((r) => r.uniqueCallId),
    status: (uniqueCallId: string, status: string, ext?: string) => call('status', { uniqueCallId, status, ext }),
    connect: (uniqueCallId: string, ext: string) => call('connect', { uniqueCallId, ext }),
    fault: (...faults: Record<string, unknown>[]) => call('fault', { faults }),
    /** How it answers an old cursor afterwards, and when it restarts (see PbxSimulator.restart, RestartOptions). */
    restart: (o: { echoCursor?: boolean; holdStale?: boolean; betweenPolls?: boolean } = {}) => call('restart', o),
    /** The PBX is back: drop any faults still queued. */
    clearFaults: () => call('clearFaults'),
    auth: (reject: boolean, style: 'code' | 'http401' | 'html403' = 'code') => call('auth', { reject, style }),
    raw: (ext: string, callData: Record<string, unknown>) => call('raw', { ext, callData }),
    state: (exts: string[]) =>
      call<{ seq: number; heldPolls: number; truth: Record<string, Record<string, string>> }>('state', { exts }),
    /** Move the PBX's seq past 0: a cursor of 0 reads as "snapshot", and a snapshot leaves out raw events. */
    primeSeq: async (ext = '499') => {
      const { uniqueCallId } = await call<{ uniqueCallId: string }>('ring', { ext })
      await call('status', { uniqueCallId, status: 'Hungup' })
    },
    keyDigest: () => call<{ sha256: string }>('keyDigest').then((r) => r.sha256),
    requests: () =>
      call<{ requests: { method: string; params: Record<string, string>; at: number }[] }>('requests').then(
        (r) => r.requests,
      ),
  }
}

/**
 * Start with stored settings, as an agent who set them up yesterday (once per tab, not per reload): the local
 * developer's key and the `e2e` user's (the extensions the specs watch unless `settings` says otherwise).
 */
export async function seedSettings(page: Page, settings: Record<string, unknown>, user = 'e2e') {
  const keys = { plain: 'switchboard.settings', user: settingsKey(user) }
  const state = { extensions: DEMO_EXTENSIONS, myExtensions: [], ...settings }
  await page.addInitScript(
    ({ keys, settings, state }) => {
      if (!sessionStorage.getItem('seeded')) {
        localStorage.setItem(keys.plain, JSON.stringify({ state: settings, version: 1 }))
        localStorage.setItem(keys.user, JSON.stringify({ state, version: 1 }))
        sessionStorage.setItem('seeded', '1')
      }
    },
    { keys, settings, state },
  )
}
