// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { parseExtensions } from './extensions.ts'

describe('parseExtensions', () => {
  it('splits on commas, spaces and semicolons, removes duplicates and keeps order', () => {
    expect(parseExtensions('410, 400 410;420,,400')).toEqual({ ok: true, extensions: ['410', '400', '420'] })
  })

  it('accepts a technology prefix', () => {
    expect(parseExtensions('SIP/410,PJSIP/400, 420 IAX2/430')).toEqual({
      ok: true,
      extensions: ['SIP/410', 'PJSIP/400', '420', 'IAX2/430'],
    })
  })

  it('accepts an empty list', () => {
    expect(parseExtensions('  ')).toEqual({ ok: true, extensions: [] })
  })

  it.each(['41a', '<img src=x>', 'SIP/', '/410', '12345678901', 'S/410', '2X/410', 'SIP410x', '4.10'])(
    'refuses %j with a message',
    (junk) => {
      const r = parseExtensions(`400,${junk}`)
      expect(r.ok).toBe(false)
      if (!r.ok) {
        expect(r.error).toMatch(/^Not an extension: /)
        expect(r.error).toContain('SIP/410')
      }
    },
  )

  it('expands a range as the users file takes one, keeping its width, bounded (issue 22)', () => {
    expect(parseExtensions('1000-1003, 400 0098-0100')).toEqual({
      ok: true,
      extensions: ['1000', '1001', '1002', '1003', '400', '0098', '0099', '0100'],
    })
    expect(parseExtensions('1000-1009')).toMatchObject({ ok: true, extensions: expect.arrayContaining(['1009']) })
    expect(parseExtensions('499-400')).toEqual({ ok: false, error: expect.stringContaining('499-400 runs backwards') })
    expect(parseExtensions('1-20000')).toEqual({ ok: false, error: expect.stringContaining('at most 10000') })
    expect(parseExtensions('1-6000,10000-16000').ok).toBe(false)
    expect(parseExtensions('SIP/400-410').ok).toBe(false)
  })

  it('names at most three bad entries and counts the rest', () => {
    const r = parseExtensions('a b c d e 400')
    expect(r).toEqual({ ok: false, error: expect.stringContaining('"a", "b", "c" and 2 more') })
  })

  it('shortens a very long bad entry in the message', () => {
    const r = parseExtensions('x'.repeat(500))
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.length).toBeLessThan(200)
  })
})
