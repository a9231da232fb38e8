import { describe, expect, it } from 'vitest'
import { groupNumber } from './phone-display.ts'

describe('groupNumber', () => {
  it.each([
    ['0298765432', '02 9876 5432'],
    ['+61298765432', '+61 2 9876 5432'],
    ['+61 2 9876 5432', '+61 2 9876 5432'],
    ['0411222333', '0411 222 333'],
    ['+61411222333', '+61 411 222 333'],
    ['1300123456', '1300 123 456'],
    ['1800123456', '1800 123 456'],
    ['131450', '13 14 50'],
    ['(07) 3333-4444', '07 3333 4444'],
  ])('groups %s as %s', (raw, shown) => expect(groupNumber(raw)).toBe(shown))

  it.each(['Anonymous', '', '410', '+442079460958', '02987654321', '000', 'Reception 2'])(
    'leaves %j as the PBX sent it',
    (raw) => expect(groupNumber(raw)).toBe(raw),
  )
})
