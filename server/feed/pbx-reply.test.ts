// @vitest-environment node
// What a browser reads when the feed is down: one sentence in the server's words, said once.
import { describe, expect, it } from 'vitest'
import { PbxCallError } from '../pbx/pbx-client.ts'
import { downOf } from './pbx-reply.ts'

describe('downOf', () => {
  it.each([
    [
      new PbxCallError('network', 'Cannot reach the PBX (ECONNRESET)', { errno: 'ECONNRESET' }),
      'unreachable',
      'Cannot reach the PBX (ECONNRESET)',
    ],
    [
      new PbxCallError('timeout', 'No reply from the PBX within 35 s'),
      'unreachable',
      'No reply from the PBX within 35 s',
    ],
    [new PbxCallError('http', 'The PBX answered HTTP 503', { status: 503 }), 'pbx-error', 'The PBX answered HTTP 503'],
    [
      Object.assign(new Error('socket hang up'), { kind: 'network' }),
      'unreachable',
      'Cannot reach the PBX: socket hang up',
    ],
    [
      new PbxCallError('http', 'The PBX answered HTTP 401', { status: 401 }),
      'key-refused',
      'The PBX refused the API key',
    ],
  ])('%s → %s: %s', (err, reason, message) => {
    expect(downOf(err).down).toEqual({ error: 'feed-down', reason, message })
  })
})
