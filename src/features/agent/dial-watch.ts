import type { QueryClient } from '@tanstack/react-query'
import { extKey } from '../calls/call-model.ts'
import { useFeed } from '../calls/feed-store.ts'
import { useAgent } from './agent-store.ts'

/** A dial whose call never shows on my extension is forgotten after this long. */
export const DIAL_UNSEEN_MS = 60_000

interface Dialled {
  at: number
  number: string
  from: string
}

/** The latest dial that went through, if any. */
function lastDial(client: QueryClient): Dialled | null {
  const m = client
    .getMutationCache()
    .findAll({ mutationKey: ['dial'], exact: true })
    .at(-1)
  const data = m?.state.data as { number: string; from: string } | undefined
  return m?.state.status === 'success' && data ? { at: m.state.submittedAt, ...data } : null
}

/**
 * Clears "Calling … from …" (and the number) once the call it started has ended, so an old
 * message never reads as the current call. Returns the unsubscribe.
 */
export function watchDialledCall(client: QueryClient): () => void {
  let watching: { at: number; live: boolean } | null = null
  let unseen: ReturnType<typeof setTimeout> | undefined
  const over = (d: Dialled) => useAgent.getState().dialledCallEnded(d.at, d.number)
  const check = () => {
    const d = lastDial(client)
    if (!d || useAgent.getState().dialOverAt === d.at) return
    if (watching?.at !== d.at) {
      const w = (watching = { at: d.at, live: false })
      clearTimeout(unseen)
      unseen = setTimeout(() => w === watching && !w.live && over(d), DIAL_UNSEEN_MS)
    }
    const calls = useFeed.getState().model.byExt[extKey(d.from)] ?? []
    if (calls.some((c) => c.endedAt === undefined && c.callerId === d.number)) watching.live = true
    else if (watching.live) over(d)
  }
  const offFeed = useFeed.subscribe((s, prev) => s.model !== prev.model && check())
  const offDials = client.getMutationCache().subscribe(check)
  return () => {
    offFeed()
    offDials()
    clearTimeout(unseen)
  }
}
