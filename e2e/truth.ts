// "The feed never lies", as assertions: the panel's cards against the simulator's true state, and
// what the role=status element said along the way.
import { expect, type Page } from '@playwright/test'
import type { simControl } from './sim.ts'

export type Sim = ReturnType<typeof simControl>

const ENDED = new Set(['Hungup', 'Busy', 'No Answer'])

interface CardAttrs {
  id: string
  status: string
  label: string
}

interface PageProbe {
  __statusLog: { at: number; text: string }[]
  __subs: { started: number; settled: number }
}

/**
 * Before `page.goto`: log every text the role=status element shows (with the page's clock), and count
 * subscribe fetches started and settled. The fetch count only observes; it changes nothing.
 */
export async function instrument(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as PageProbe
    w.__statusLog = []
    w.__subs = { started: 0, settled: 0 }
    let last = ''
    const record = () => {
      const text = document.querySelector('[role="status"]')?.textContent ?? ''
      if (text === last) return
      last = text
      w.__statusLog.push({ at: Date.now(), text })
    }
    new MutationObserver(record).observe(document, { subtree: true, childList: true, characterData: true })
    const realFetch = window.fetch.bind(window)
    window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
      if (!url.includes('/api/pbx/subscribe')) return realFetch(input, init)
      w.__subs.started++
      const p = realFetch(input, init)
      p.then(
        (r) =>
          r
            .clone()
            .text()
            .catch(() => '')
            .finally(() => w.__subs.settled++),
        () => w.__subs.settled++,
      )
      return p
    }
  })
}

/** Everything the status element has said so far. */
export const statusLog = (page: Page) => page.evaluate(() => (window as unknown as PageProbe).__statusLog.slice())

/** Subscribe fetches the page started and finished (a held poll is started but not settled). */
export const subscribeFetches = (page: Page) => page.evaluate(() => ({ ...(window as unknown as PageProbe).__subs }))

/** Wait until no subscribe fetch is in flight: fake-clock loops let each retry land before moving on. */
export async function settled(page: Page): Promise<void> {
  await expect
    .poll(async () => {
      const s = await subscribeFetches(page)
      return s.started - s.settled
    })
    .toBe(0)
}

/** The cards per region: still-active calls by id, and any id shown twice. */
export async function panelState(page: Page, exts: readonly string[]) {
  const live: Record<string, Record<string, string>> = {}
  const duplicates: string[] = []
  for (const ext of exts) {
    const cards: CardAttrs[] = await page
      .getByRole('region', { name: `Extension ${ext}`, exact: true })
      .getByRole('article')
      .evaluateAll((els) =>
        els.map((e) => ({
          id: e.getAttribute('data-call-id') ?? '',
          status: e.getAttribute('data-status') ?? '',
          label: e.getAttribute('aria-label') ?? '',
        })),
      )
    live[ext] = {}
    const seen = new Set<string>()
    for (const c of cards) {
      if (seen.has(c.id)) duplicates.push(`${ext}/${c.id} shown twice`)
      seen.add(c.id)
      // Ended cards linger for a few seconds (an event said so, or a resync no longer listed them).
      if (!ENDED.has(c.status) && !c.label.startsWith('Ended:')) live[ext][c.id] = c.status
    }
  }
  return { live, duplicates }
}

/** Differences between the panel and the simulator's truth, in words; [] when they agree. */
export async function truthDiff(page: Page, sim: Sim, exts: readonly string[]): Promise<string[]> {
  const [panel, state] = await Promise.all([panelState(page, exts), sim.state([...exts])])
  const out = [...panel.duplicates]
  for (const ext of exts) {
    const truth = state.truth[ext] ?? {}
    const shown = panel.live[ext] ?? {}
    for (const [id, status] of Object.entries(truth))
      if (shown[id] !== status) out.push(`${ext}/${id}: PBX says ${status}, panel shows ${shown[id] ?? 'nothing'}`)
    for (const [id, status] of Object.entries(shown))
      if (!(id in truth)) out.push(`${ext}/${id}: panel shows ${status}, PBX has no such active call`)
  }
  return out
}

/** The panel shows exactly the simulator's true state: no lost, stale or duplicate card. */
export async function expectPanelMatchesSim(page: Page, sim: Sim, exts: readonly string[], timeout = 10_000) {
  await expect.poll(() => truthDiff(page, sim, exts), { timeout, message: 'panel equals the PBX truth' }).toEqual([])
}

/** Status texts in order, with countdown digits folded so a summary stays short. */
export function summariseStatus(texts: readonly string[]): string[] {
  const out: string[] = []
  for (const t of texts) {
    // "trying now" is the countdown at zero: the same message, not a new state.
    const s = t.replace(/next try in \d+ s|trying now/, 'next try in N s')
    if (s && out.at(-1) !== s) out.push(s)
  }
  return out
}
