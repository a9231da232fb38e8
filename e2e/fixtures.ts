// Every spec of the `e2e` project runs against the deployed server (`npm start`, scripts/e2e-server.mjs) signed
// in: `test.use({ user: 'wall430' })` picks who (scripts/e2e-server.mjs lists them), `user: null` nobody. The
// `dev` project (the dev server, local developer mode) needs no sign-in.
import { test as base, type Cookie } from '@playwright/test'

export { expect } from '@playwright/test'
export type { Page, Locator, Request, TestInfo } from '@playwright/test'

/** scripts/e2e-server.mjs gives every user this password. */
export const E2E_PASSWORD = 'e2e-password-for-tests'
/** What the old dev-server suite watched by default (the demo's extensions): the `e2e` user's stored choice. */
export const DEMO_EXTENSIONS = ['400', '410', '420']

/** A user's stored settings (src/app/user-storage.ts keys them by name). */
export const settingsKey = (user: string) => `switchboard.settings:${user}`

/** Signed in as `user` over the API (as the sign-in page does): the session cookie. */
export async function signInCookie(baseURL: string, user: string, password = E2E_PASSWORD): Promise<Cookie> {
  const res = await fetch(`${baseURL}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseURL, 'X-Switchboard': '1' },
    body: JSON.stringify({ username: user, password }),
  })
  if (!res.ok) throw new Error(`sign-in as ${user}: HTTP ${res.status} ${await res.text()}`)
  const [pair] = res.headers.getSetCookie().map((c) => c.split(';')[0])
  const eq = pair.indexOf('=')
  const { hostname } = new URL(baseURL)
  return {
    name: pair.slice(0, eq),
    value: pair.slice(eq + 1),
    domain: hostname,
    path: '/',
    expires: -1,
    httpOnly: true,
    secure: true,
    sameSite: 'Lax',
  }
}

export const test = base.extend<{ user: string | null }>({
  user: ['e2e', { option: true }],
  storageState: async ({ user, baseURL, storageState }, provide, testInfo) => {
    if (!user || testInfo.project.name === 'dev' || !baseURL) return provide(storageState)
    const cookie = await signInCookie(baseURL, user)
    // The `e2e` user chose the demo's extensions and none of their own, as the specs were written for.
    const localStorage =
      user === 'e2e'
        ? [
            {
              name: settingsKey(user),
              value: JSON.stringify({ state: { extensions: DEMO_EXTENSIONS, myExtensions: [] }, version: 1 }),
            },
          ]
        : []
    await provide({ cookies: [cookie], origins: [{ origin: baseURL, localStorage }] })
  },
})
