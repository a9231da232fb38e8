// What the panel itself asks the server for: its /api/pbx/subscribe requests, as the browser sent them.
// (The simulator's own request log now shows the server's one upstream subscribe, not the browser's.)
import type { BrowserContext, Page, Request } from '@playwright/test'

export interface BrowserPoll {
  page: Page | null
  exten: string[]
  lastSequenceNumber: string
  /** Still held (sent, not yet answered or failed). */
  open: boolean
}

/** Start before `goto`: log every subscribe request of a page or of every page in a context. */
export function logBrowserPolls(target: Page | BrowserContext) {
  const polls: BrowserPoll[] = []
  const byRequest = new Map<Request, BrowserPoll>()
  const isPoll = (r: Request) => new URL(r.url()).pathname === '/api/pbx/subscribe'
  const close = (r: Request) => {
    const p = byRequest.get(r)
    if (p) p.open = false
  }
  target.on('request', (r) => {
    if (!isPoll(r)) return
    const q = new URL(r.url()).searchParams
    const poll: BrowserPoll = {
      page: r.frame().page(),
      exten: (q.get('exten') ?? '').split(',').filter(Boolean),
      lastSequenceNumber: q.get('lastSequenceNumber') ?? '',
      open: true,
    }
    polls.push(poll)
    byRequest.set(r, poll)
  })
  target.on('requestfinished', close)
  target.on('requestfailed', close)
  return {
    all: () => polls.slice(),
    /** The polls held now (long polls: a cursor other than 0). */
    held: () => polls.filter((p) => p.open && p.lastSequenceNumber !== '0' && !p.page?.isClosed()),
    /** The extensions of the last poll sent, sorted. */
    lastExten: () => [...(polls.at(-1)?.exten ?? [])].sort(),
  }
}
