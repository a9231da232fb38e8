// The agent view renders only the rows near the screen; this lets others bring a column near.
let reveal: ((ext: string) => boolean) | null = null

/** Scrolls an extension's column into view (it renders once near); false if none is listed. */
export const revealExtension = (ext: string): boolean => reveal?.(ext) ?? false

/** The mounted agent view registers how to reveal a column; returns the unregister. */
export function registerReveal(fn: (ext: string) => boolean): () => void {
  reveal = fn
  return () => {
    if (reveal === fn) reveal = null
  }
}
