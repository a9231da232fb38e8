import { useMemo } from 'react'
import { extKey, type Call, type CallModel } from './call-model.ts'
import { canOfferAnswer } from './call-status.ts'
import { useSettings } from '../settings/settings-store.ts'
import { useWatchedExtensions } from '../settings/watched-extensions.ts'

export const isMine = (ext: string, mine: readonly string[]) => mine.some((m) => extKey(m) === extKey(ext))

/** My extensions first (in my order), then the ones I merely watch; `SIP/410` and `410` count once. */
export function mineFirst(watched: readonly string[], mine: readonly string[]): string[] {
  const seen = new Set<string>()
  const out: string[] = []
  for (const e of [...mine, ...watched]) {
    if (seen.has(extKey(e))) continue
    seen.add(extKey(e))
    out.push(e)
  }
  return out
}

/** Calls ringing on my extensions, the one ringing longest first. */
export function ringingMine(model: CallModel, mine: readonly string[]): Call[] {
  const out: Call[] = []
  for (const ext of mine)
    for (const c of model.byExt[extKey(ext)] ?? []) if (c.status === 'Ringing' && c.endedAt === undefined) out.push(c)
  return out.sort((a, b) => a.statusSince - b.statusSince)
}

/** The call the answer shortcut takes: the oldest one ringing on my extensions that can be answered. */
export const oldestAnswerable = (model: CallModel, mine: readonly string[]) =>
  ringingMine(model, mine).find(canOfferAnswer)

export const useMyExtensions = () => useSettings((s) => s.myExtensions)

/** The extensions on screen and in the feed: mine first, then the watched ones. */
export function useShownExtensions(): string[] {
  const watched = useWatchedExtensions()
  const mine = useMyExtensions()
  return useMemo(() => mineFirst(watched, mine), [watched, mine])
}
