import { describe, expect, it } from 'vitest'
import { ERROR_MS, NO_LINE, NOTE_MS, nextLine, type AgentLine, type LineInput } from './message-model.ts'

const run = (...inputs: LineInput[]) => inputs.reduce<AgentLine>(nextLine, NO_LINE)
const answering: LineInput = { type: 'answering', text: 'Answering 0298765432 on 410', key: '410:a' }

describe('the message line about my own actions', () => {
  it('"Answering …" lasts until that answer settles (connected, ended or failed), not a fixed time', () => {
    expect(run(answering)).toEqual({ kind: 'answering', text: 'Answering 0298765432 on 410', key: '410:a' })
    expect(run(answering, { type: 'sent', command: 'answer', now: 0 }).kind).toBe('answering')
    expect(run(answering, { type: 'answerSettled', key: '410:a' })).toEqual(NO_LINE)
    // Another call's answer settling says nothing about this one.
    expect(run(answering, { type: 'answerSettled', key: '420:b' }).kind).toBe('answering')
  })

  it('a note or a dial error gives way to the next action, and has an end of its own', () => {
    expect(run({ type: 'noted', text: 'No call is ringing', now: 1000 })).toEqual({
      kind: 'note',
      text: 'No call is ringing',
      until: 1000 + NOTE_MS,
    })
    expect(run({ type: 'sent', command: 'dial', now: 5 })).toEqual({ kind: 'dial', until: 5 + ERROR_MS })
    expect(run({ type: 'sent', command: 'dial', now: 5 }, { type: 'sent', command: 'hangup', now: 9 })).toEqual(NO_LINE)
    expect(run({ type: 'sent', command: 'dial', now: 5 }, answering).kind).toBe('answering')
    expect(run({ type: 'noted', text: 'x', now: 0 }, { type: 'sent', command: 'record', now: 1 })).toEqual(NO_LINE)
  })

  it('is idempotent: the same input twice changes nothing more', () => {
    const once = run(answering, { type: 'answerSettled', key: '410:a' })
    expect(nextLine(once, { type: 'answerSettled', key: '410:a' })).toEqual(once)
  })
})
