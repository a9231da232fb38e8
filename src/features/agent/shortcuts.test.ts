import { applyEvents, emptyModel } from '../calls/call-model.ts'
import { mineFirst, oldestAnswerable, ringingMine } from '../calls/my-extensions.ts'
import { isTypingTarget, shortcutFor } from './shortcuts.ts'

const key = (key: string, o: Partial<Parameters<typeof shortcutFor>[0]> = {}) => ({
  key,
  code: `Key${key.toUpperCase()}`,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  repeat: false,
  target: document.body,
  ...o,
})

describe('shortcutFor', () => {
  it('maps plain keys outside text fields', () => {
    expect(shortcutFor(key('a'))).toBe('answer')
    expect(shortcutFor(key('A'))).toBe('answer')
    expect(shortcutFor(key('d'))).toBe('dial')
    expect(shortcutFor(key('?', { code: 'Slash' }))).toBe('help')
    expect(shortcutFor(key('x'))).toBeNull()
  })

  it('leaves typing alone, except Alt+A', () => {
    const input = document.createElement('input')
    expect(shortcutFor(key('a', { target: input }))).toBeNull()
    expect(shortcutFor(key('?', { target: input }))).toBeNull()
    expect(shortcutFor(key('å', { code: 'KeyA', altKey: true, target: input }))).toBe('answer')
    expect(shortcutFor(key('d', { altKey: true }))).toBeNull()
  })

  it('ignores browser chords and held keys', () => {
    expect(shortcutFor(key('a', { ctrlKey: true }))).toBeNull()
    expect(shortcutFor(key('a', { metaKey: true }))).toBeNull()
    expect(shortcutFor(key('a', { repeat: true }))).toBeNull()
  })

  it('knows which elements take text', () => {
    const checkbox = document.createElement('input')
    checkbox.type = 'checkbox'
    expect(isTypingTarget(checkbox)).toBe(false)
    expect(isTypingTarget(document.createElement('textarea'))).toBe(true)
    expect(isTypingTarget(document.createElement('select'))).toBe(true)
    expect(isTypingTarget(document.createElement('button'))).toBe(false)
    expect(isTypingTarget(null)).toBe(false)
  })
})

describe('the call the answer shortcut takes', () => {
  const ring = (ext: string, id: string, more: object = {}) => ({
    ext,
    data: { uniqueCallId: id, status: 'Ringing', ...more },
  })
  let model = emptyModel
  beforeEach(() => {
    model = applyEvents(emptyModel, [ring('400', 'w')], 1)
    model = applyEvents(model, [ring('420', 'late')], 5)
    model = applyEvents(model, [ring('SIP/410', 'early', { canAnswer: false })], 2)
    model = applyEvents(model, [ring('410', 'mid')], 3)
  })

  it('is the one ringing longest on my extensions that can be answered', () => {
    expect(ringingMine(model, ['420', '410']).map((c) => c.id)).toEqual(['early', 'mid', 'late'])
    expect(oldestAnswerable(model, ['420', '410'])?.id).toBe('mid')
    expect(oldestAnswerable(model, ['420'])?.id).toBe('late')
    expect(oldestAnswerable(model, [])).toBeUndefined()
  })

  it('skips calls that stopped ringing', () => {
    const m = applyEvents(model, [{ ext: '410', data: { uniqueCallId: 'mid', status: 'Connected' } }], 6)
    expect(oldestAnswerable(m, ['410', '420'])?.id).toBe('late')
  })
})

describe('mineFirst', () => {
  it('puts my extensions first and lists each once', () => {
    expect(mineFirst(['400', '410', '420'], ['SIP/420', '430'])).toEqual(['SIP/420', '430', '400', '410'])
    expect(mineFirst(['400'], [])).toEqual(['400'])
  })
})
