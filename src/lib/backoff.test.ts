// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { fullJitterDelay } from './backoff.ts'

describe('fullJitterDelay', () => {
  it('never goes below the 1 s floor, even when the dice say 0', () => {
    for (let attempt = 0; attempt < 10; attempt++) expect(fullJitterDelay(attempt, { random: () => 0 })).toBe(1000)
  })

  it('grows as base·2^attempt up to the 30 s cap', () => {
    const top = (attempt: number) => fullJitterDelay(attempt, { random: () => 0.999999 })
    expect([0, 1, 2, 3, 4, 5, 6].map(top)).toEqual(
      [999, 1999, 3999, 7999, 15999, 29999, 29999].map((n) => Math.max(1000, n)),
    )
  })

  it('stays within [floor, cap] for any attempt, huge ones included', () => {
    for (const attempt of [0, 1, 7, 30, 31, 1000, Number.MAX_SAFE_INTEGER]) {
      const d = fullJitterDelay(attempt)
      expect(d).toBeGreaterThanOrEqual(1000)
      expect(d).toBeLessThanOrEqual(30_000)
    }
  })
})
