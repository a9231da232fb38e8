const BASE_MS = 1000
const CAP_MS = 30_000
/** Never sooner than this: no tight loop, and well above the PBX's ~100 ms poll period. */
const FLOOR_MS = 1000

/** Full-jitter exponential backoff: uniform in [1 s, min(30 s, 1 s·2^attempt)]. attempt starts at 0. */
export function fullJitterDelay(attempt: number, o: { random?: () => number } = {}): number {
  const random = o.random ?? Math.random
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.min(attempt, 30))
  return Math.max(FLOOR_MS, Math.floor(random() * ceiling))
}
