// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { EXTENSION, extKey, withTech } from './extension.ts'

describe('one technology-prefix rule', () => {
  it.each(['SIP', 'PJSIP', 'IAX2', 'DAHDI'])('%s/420: a valid extension, keyed 420, dialled from as is', (tech) => {
    expect(EXTENSION.test(`${tech}/420`)).toBe(true)
    expect(extKey(`${tech}/420`)).toBe('420')
    expect(withTech(`${tech}/420`)).toBe(`${tech}/420`)
  })

  it('a bare extension is dialled from SIP/ and keyed as itself', () => {
    expect(withTech('410')).toBe('SIP/410')
    expect(extKey('410')).toBe('410')
  })
})
