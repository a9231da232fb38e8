// @vitest-environment node
import { describe, expect, it } from 'vitest'
import type { SessionUser } from '../types.ts'
import { expandEntries, extensionSet, splitEntries, checkEntry } from './extension-list.ts'
import { hashPassword, verifyPassword } from './password.ts'
import { can, dialRefusal } from './rights.ts'
import { memoryStore } from './session-store.ts'
import { indexUsers, parseUsersFile } from './users-file.ts'

const FAST = { N: 1024, r: 8, p: 1 }

describe('extension lists', () => {
  it('expands singles, prefixed extensions and ranges (keeping a range’s width) into bare extensions', () => {
    expect([...expandEntries(['400', 'SIP/401', '410-413', '0098-0101'])]).toEqual([
      '400',
      '401',
      '410',
      '411',
      '412',
      '413',
      '0098',
      '0099',
      '0100',
      '0101',
    ])
    expect(splitEntries('400, 401 400;410-419')).toEqual(['400', '401', '410-419'])
  })

  it('refuses what is not an extension or a sane range, saying why', () => {
    expect(checkEntry('499-400')).toEqual({ ok: false, error: 'range 499-400 runs backwards' })
    expect(checkEntry('1-20000')).toMatchObject({ ok: false, error: expect.stringContaining('more than') })
    expect(checkEntry('40a')).toMatchObject({ ok: false, error: expect.stringContaining('is not an extension') })
    expect(checkEntry('SIP/400-410')).toMatchObject({ ok: false })
  })
})

describe('passwords', () => {
  it('verifies the right password only, and an unknown user (no hash) never', async () => {
    const h = await hashPassword('correct horse', FAST)
    expect(h).toMatch(/^scrypt\$1024\$8\$1\$/)
    expect(await hashPassword('correct horse', FAST)).not.toBe(h) // per-user salt
    expect(await verifyPassword('correct horse', h)).toBe(true)
    expect(await verifyPassword('correct hors', h)).toBe(false)
    expect(await verifyPassword('correct horse', null)).toBe(false)
  })
})

describe('users file', () => {
  it('gives one line naming the place and the fault', () => {
    const bad = JSON.stringify({ users: [{ name: 'alice', act: ['400'], watch: ['499-400'] }] })
    expect(() => parseUsersFile(bad, 'users.json')).toThrow('users.json: users.0.watch.0: range 499-400 runs backwards')
    expect(() => parseUsersFile('{', 'users.json')).toThrow(/^users.json: not JSON/)
    const twice = JSON.stringify({ users: [{ name: 'alice' }, { name: 'Alice' }] })
    expect(() => parseUsersFile(twice, 'f')).toThrow('f: users.1.name: Alice appears twice')
    expect(() => parseUsersFile(JSON.stringify({ users: [{ name: 'a', password: 'plain' }] }), 'f')).toThrow(
      /users.0.password: not a scrypt hash/,
    )
  })

  it('watches what a user acts on, and merges the user’s dial policy over the file’s', () => {
    const users = indexUsers(
      parseUsersFile(
        JSON.stringify({
          dialPolicy: { perMinute: 5, allowPrefixes: [], denyPrefixes: ['1900'] },
          users: [{ name: 'Alice', email: 'A@x.org', act: ['400'], watch: ['410-411'], dialPolicy: { perMinute: 2 } }],
        }),
      ),
    )
    const alice = users.byName.get('alice')!
    expect(users.byEmail.get('a@x.org')).toBe(alice)
    expect(alice.user.watch).toEqual({ all: false, exts: new Set(['410', '411', '400']) })
    expect(alice.dialPolicy).toEqual({ perMinute: 2, allowPrefixes: [], denyPrefixes: ['1900'] })
  })
})

describe('rights', () => {
  const agent: SessionUser = {
    name: 'a',
    display: 'A',
    supervisor: false,
    act: extensionSet(['400']),
    watch: extensionSet(['400', '410-419']),
    mode: 'accounts',
  }
  it('watch needs watch; answer, hangup, dial and record need act (SIP/ prefix or not)', () => {
    expect(can(agent, 'watch', '415')).toBe(true)
    expect(can(agent, 'watch', '420')).toBe(false)
    for (const a of ['answer', 'hangup', 'dial', 'record'] as const) {
      expect(can(agent, a, 'SIP/400')).toBe(true)
      expect(can(agent, a, '415')).toBe(false)
    }
    expect(can(null, 'watch', '400')).toBe(false)
    expect(can({ ...agent, act: { all: true } }, 'dial', '999')).toBe(true)
  })

  it('dial policy: deny prefixes win, allow prefixes restrict', () => {
    const policy = { perMinute: 1, allowPrefixes: [], denyPrefixes: ['1900', '0011'] }
    expect(dialRefusal(policy, '1900 123 456')).toBe('Numbers starting 1900 may not be dialled from Switchboard')
    expect(dialRefusal(policy, '0011 44 20')).toMatch(/0011/)
    expect(dialRefusal(policy, '0298765432')).toBeNull()
    expect(dialRefusal({ ...policy, allowPrefixes: ['02', '+612'] }, '0398765432')).toMatch(
      /Only numbers starting 02, \+612/,
    )
  })
})

describe('counters', () => {
  it('a reserved count is given back, never below zero and never creating a counter', async () => {
    const store = memoryStore()
    expect(await store.hit('k', 60_000)).toMatchObject({ count: 1 })
    expect(await store.hit('k', 60_000)).toMatchObject({ count: 2 })
    expect(await store.hit('k', 60_000, -1)).toMatchObject({ count: 1 })
    expect(await store.hit('k', 60_000, -5)).toMatchObject({ count: 0 })
    expect(await store.hit('none', 60_000, -1)).toEqual({ count: 0, resetMs: 0 })
    expect(await store.peek('none')).toEqual({ count: 0, resetMs: 0 })
    await store.close()
  })
})
