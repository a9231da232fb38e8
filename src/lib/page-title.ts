// The tab's title: a base (e.g. "(2 missed) Switchboard") that a flash may cover for a while.
let base = typeof document !== 'undefined' ? document.title : ''
let covered = false

/** Sets the title the tab shows when nothing is flashing. */
export function setBaseTitle(title: string): void {
  base = title
  if (!covered) document.title = title
}

/** A flash shows `text` instead of the base, or (null) hands the title back to it. */
export function coverTitle(text: string | null): void {
  covered = text !== null
  document.title = text ?? base
}
