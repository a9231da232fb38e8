import { useEffect, useState } from 'react'
import type { Call } from '../features/calls/call-model.ts'
import { useFeed } from '../features/calls/feed-store.ts'
import { nextTask } from '../lib/next-task.ts'

type ByExt = Readonly<Record<string, readonly Call[]>>

/** Beyond this many new rings in one reply, the rest are summed up: a screen reader cannot keep up. */
const MAX_SENTENCES = 5
const KEPT = 5

const ringingIds = (list: readonly Call[]) =>
  new Set(list.filter((c) => c.status === 'Ringing' && c.endedAt === undefined).map((c) => c.id))

/** Sentences for calls that started ringing between two models; `seen` is updated in place. */
export function newRingingSentences(prev: ByExt, next: ByExt, seen: Map<string, Set<string>>): string[] {
  const fresh: Call[] = []
  for (const [ext, list] of Object.entries(next)) {
    if (prev[ext] === list && seen.has(ext)) continue
    const now = ringingIds(list)
    const before = seen.get(ext)
    for (const c of list) if (now.has(c.id) && !before?.has(c.id)) fresh.push(c)
    if (now.size) seen.set(ext, now)
    else seen.delete(ext)
  }
  for (const ext of seen.keys()) if (!next[ext]) seen.delete(ext)
  const sentences = fresh
    .slice(0, MAX_SENTENCES)
    .map(
      (c) =>
        `${c.isQueueCall ? 'Queue call' : 'Call'} ringing on extension ${c.ext} from ${c.callerId || 'an unknown caller'}.`,
    )
  if (fresh.length > MAX_SENTENCES) sentences.push(`${fresh.length - MAX_SENTENCES} more calls started ringing.`)
  return sentences
}

/** A polite live region: one sentence per call that starts ringing, in either view. */
export function RingingAnnouncer() {
  const [lines, setLines] = useState<{ key: number; text: string }[]>([])
  useEffect(() => {
    const seen = new Map<string, Set<string>>()
    // Calls already ringing when this mounts are known, not news.
    newRingingSentences({}, useFeed.getState().model.byExt, seen)
    let key = 0
    let last = useFeed.getState().model.byExt
    let queued = false
    let live = true
    // In a task of its own, after what is waiting to be shown: a burst's reply and its cards on
    // screen are not held up for a polite announcement.
    const announce = () => {
      queued = false
      const next = useFeed.getState().model.byExt
      if (!live || next === last) return
      const sentences = newRingingSentences(last, next, seen)
      last = next
      if (sentences.length) setLines((old) => [...old, ...sentences.map((text) => ({ key: ++key, text }))].slice(-KEPT))
    }
    const unsubscribe = useFeed.subscribe((s, prev) => {
      if (s.model.byExt === prev.model.byExt || queued) return
      queued = true
      nextTask(announce, 'user-visible')
    })
    return () => {
      live = false
      unsubscribe()
    }
  }, [])
  return (
    <div role="log" aria-live="polite" aria-label="Call announcements" className="sr-only">
      {lines.map((l) => (
        <p key={l.key}>{l.text}</p>
      ))}
    </div>
  )
}
