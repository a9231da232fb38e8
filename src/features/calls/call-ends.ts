// When calls end, for what the server records from them (history, figures): refresh on an end, and catch up
// with a record that reaches the database a little after the browser saw the call end.
import { extKey, type CallModel } from './call-model.ts'
import { useFeed } from './feed-store.ts'

/** A call's record reaches the database up to a second or so after the browser saw it end. */
export const RECORD_LAG_MS = 2000

/**
 * Ask again in a second while the data may predate a call that ended (`lastEndAt`) within the record lag;
 * otherwise no timer: the next refresh comes with the next call that ends.
 */
export const catchUpInterval = (lastEndAt: number, fetchedAt: number): number | false =>
  lastEndAt > 0 && lastEndAt > fetchedAt - RECORD_LAG_MS ? 1000 : false

/** When the latest call on these extensions (all of them: `null`) ended, as the feed saw it; 0 if none. */
export function lastEnded(model: CallModel, exts: readonly string[] | null): number {
  const mine = exts && new Set(exts.map(extKey))
  let last = 0
  for (const [key, tomb] of Object.entries(model.ended))
    if (tomb.at > last && (!mine || mine.has(key.slice(0, key.indexOf('|'))))) last = tomb.at
  return last
}

/** Calls `ended` each time a call on these extensions (read at that moment; null: any) ends. Returns the unsubscribe. */
export function onCallEnded(exts: () => readonly string[] | null, ended: () => void): () => void {
  return useFeed.subscribe((s, prev) => {
    if (s.model.ended === prev.model.ended) return
    const which = exts()
    if (lastEnded(s.model, which) > lastEnded(prev.model, which)) ended()
  })
}
