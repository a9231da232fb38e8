// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { friendlyError, PbxError, type Command } from './pbx-error.ts'

const COMMANDS: Command[] = ['answer', 'hangup', 'dial', 'record']

describe('a failed command says what the server said', () => {
  it.each(COMMANDS)('%s refused by the server: its message, not "The PBX could not do that"', (command) => {
    const e = new PbxError('refused', 'Numbers starting 1900 may not be dialled from Switchboard', { status: 403 })
    expect(friendlyError(e, command)).toBe('Numbers starting 1900 may not be dialled from Switchboard')
  })

  it.each(COMMANDS)('%s failed at the PBX (the server’s 502): the server’s words', (command) => {
    const e = new PbxError('server', 'The PBX did not answer within 15 s', { status: 502 })
    expect(friendlyError(e, command)).toBe('The PBX did not answer within 15 s')
  })

  it('a PBX refusal (a negative Code) still reads as what it means to an agent', () => {
    const e = new PbxError('pbx', 'The PBX said: Channel not ringing (Code -1)', {
      code: -1,
      pbxMessage: 'not ringing',
    })
    expect(friendlyError(e, 'answer')).toBe('Already answered elsewhere')
  })
})
