import { numberFromTelLink, parseDialNumber } from './dial.ts'

describe('parseDialNumber', () => {
  it.each([
    ['0298765432', '0298765432'],
    [' 02 9876 5432 ', '0298765432'],
    ['+61 (2) 9876-5432', '+61298765432'],
    ['*97', '*97'],
    ['1234#', '1234#'],
  ])('accepts %j as %j', (input, number) => {
    expect(parseDialNumber(input)).toEqual({ ok: true, number })
  })

  it.each(['', '   ', 'call me', '02 9876 543x', '61+2', '++61', 'SIP/410', '1'.repeat(21)])(
    'refuses %j with a message',
    (input) => {
      const r = parseDialNumber(input)
      expect(r.ok).toBe(false)
      if (!r.ok) expect(r.error.length).toBeGreaterThan(10)
    },
  )
})

describe('numberFromTelLink', () => {
  it('takes the number out of what ?dial= carries', () => {
    expect(numberFromTelLink('tel:+61-2-9876-5432')).toBe('+61-2-9876-5432')
    expect(numberFromTelLink('tel%3A%2B61298765432')).toBe('+61298765432')
    expect(numberFromTelLink('tel:0298765432;phone-context=example.com')).toBe('0298765432')
    expect(numberFromTelLink('0298765432')).toBe('0298765432')
    expect(numberFromTelLink('100%')).toBe('100%')
  })
})
