export interface BackoffOptions {
  baseMs?: number
  capMs?: number
  /** Never sooner than this: no tight loop, and well above the PBX's ~100 ms poll period. */
  floorMs?: number
  random?: () => number
}

/** Full-jitter exponential backoff: uniform in [floor, min(cap, base·2^attempt)]. attempt starts at 0. */
export function fullJitterDelay(attempt: number, o: BackoffOptions = {}): number {
  const { baseMs = 1000, capMs = 30_000, floorMs = 1000, random = Math.random } = o
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30))
  return Math.max(floorMs, Math.floor(random() * ceiling))
}
