import { describe, expect, it } from 'vitest'
import { nameOf } from './extension-names.ts'

describe('nameOf', () => {
  it('finds the display name by the extension as written, or bare ("SIP/410" as "410"), else none', () => {
    const names = { '410': 'Alice Ng', 'SIP/420': 'Bo' }
    expect(nameOf(names, '410')).toBe('Alice Ng')
    expect(nameOf(names, 'SIP/410')).toBe('Alice Ng')
    expect(nameOf(names, 'SIP/420')).toBe('Bo')
    expect(nameOf(names, '430')).toBe('')
    // Whatever an older or odd server sent: never a crash, never a non-string shown.
    expect(nameOf({ '410': 5 } as unknown as Record<string, string>, '410')).toBe('')
  })
})
