// @vitest-environment node
// The users CLI as an administrator runs it: `npm run --silent user -- …` is `node scripts/user.mjs …`.
import { spawn } from 'node:child_process'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readUsersFile } from './users-file.ts'
import { authApp, login, tempUsersFile } from './test-helpers.ts'

const root = path.resolve(import.meta.dirname, '../..')

function user(file: string, args: string[], stdin = '') {
  return new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['scripts/user.mjs', ...args], {
      cwd: root,
      env: { ...process.env, SWITCHBOARD_USERS_FILE: file },
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, out, err }))
    child.stdin.end(stdin)
  })
}

const made = await tempUsersFile([])
const file = path.join(path.dirname(made.file), 'new', '..', 'fresh-users.json')
afterAll(() => made.cleanup())

/** The CLI on a pseudo-terminal (util-linux `script`), typing `keys` into it: what the terminal showed. */
function onTerminal(usersFile: string, args: string[], keys: string) {
  return new Promise<{ code: number | null; shown: string }>((resolve, reject) => {
    const cmd = ['node', 'scripts/user.mjs', ...args].map((a) => `'${a}'`).join(' ')
    const child = spawn('script', ['-qec', cmd, '/dev/null'], {
      cwd: root,
      env: { ...process.env, SWITCHBOARD_USERS_FILE: usersFile },
    })
    let shown = ''
    let sent = false
    child.stdout.on('data', (d) => {
      shown += d
      // Type only once the prompt is up (the terminal is in its mode by then).
      if (!sent && shown.includes('Password')) {
        sent = true
        child.stdin.write(keys)
      }
    })
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, shown }))
  })
}

describe('npm run user', { timeout: 30_000 }, () => {
  it('on a terminal, asks for the password without showing what is typed (issue 22)', async () => {
    const ttyFile = path.join(path.dirname(made.file), 'tty-users.json')
    const t = await onTerminal(ttyFile, ['add', 'tina', '--act', '400', '--password-stdin'], 'terminal-secret-42\r')
    expect(t.shown).toContain('Password (not shown')
    expect(t.shown).not.toContain('terminal-secret')
    expect(t.code).toBe(0)
    const app = await authApp({ usersFile: ttyFile })
    try {
      expect((await login(app, 'tina', 'terminal-secret-42')).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })

  it('into a folder that does not exist: a clear line naming it, no raw ENOENT of a temporary file', async () => {
    const missing = path.join(path.dirname(made.file), 'no-such-folder', 'users.json')
    const r = await user(missing, ['add', 'zed', '--act', '400'])
    expect(r.code).toBe(1)
    expect(r.err.trim()).toBe(
      `user: cannot write ${missing}: the folder ${path.dirname(missing)} does not exist (create it: mkdir -p ${path.dirname(missing)})`,
    )
    expect(r.err).not.toMatch(/\.tmp|ENOENT/)
  })

  it('adds (password from stdin), lists, updates and removes; the file is mode 0600 and signs the user in', async () => {
    const add = await user(
      file,
      ['add', 'alice', '--act', '400,401', '--watch', '400-499', '--password-stdin'],
      'a good password\n',
    )
    expect(add).toMatchObject({ code: 0, err: '' })
    expect(add.out).toBe('Added alice: act 400,401; watch 400-499\n')
    expect((await stat(file)).mode & 0o777).toBe(0o600)

    const sup = await user(file, ['add', 'bob', '--act', '410', '--supervisor', '--email', 'bob@example.com'])
    expect(sup.code).toBe(0)
    expect(sup.out).toContain('No password set: this user can sign in only through single sign-on')

    const list = await user(file, ['list'])
    expect(list.out).toBe(
      'alice: act 400,401; watch 400-499; password\n' +
        'bob <bob@example.com>: act 410; watch -; supervisor, no password (single sign-on only)\n',
    )

    const stored = (await readUsersFile(file)).data.users[0]
    expect(stored).toMatchObject({ name: 'alice', act: ['400', '401'], watch: ['400-499'], supervisor: false })
    expect(stored.password).toMatch(/^scrypt\$/)
    expect(JSON.stringify(await readUsersFile(file))).not.toContain('a good password')

    const app = await authApp({ usersFile: file })
    try {
      expect((await login(app, 'alice', 'a good password')).statusCode).toBe(200)
      // Rights changed without a new password keep the old one.
      expect((await user(file, ['add', 'alice', '--act', '402'])).code).toBe(0)
      expect((await readUsersFile(file)).data.users[0]).toMatchObject({ act: ['402'], password: stored.password })

      expect(await user(file, ['remove', 'alice'])).toMatchObject({ code: 0, err: '' })
      await expect
        .poll(async () => (await login(app, 'alice', 'a good password')).statusCode, { timeout: 10_000 })
        .toBe(401)
    } finally {
      await app.close()
    }
    expect((await user(file, ['list'])).out).not.toContain('alice')
  })

  it('refuses bad input with one line (exit 1) or usage (exit 2), leaving the file as it was', async () => {
    const before = JSON.stringify((await readUsersFile(file)).data)
    const range = await user(file, ['add', 'carol', '--act', '499-400'])
    expect(range.code).toBe(2)
    expect(range.err.split('\n')[0]).toBe('user: --act: range 499-400 runs backwards')
    const short = await user(file, ['add', 'carol', '--password-stdin'], 'short\n')
    expect(short).toMatchObject({ code: 1, err: 'user: the password on stdin must be at least 8 characters\n' })
    const nobody = await user(file, ['remove', 'nobody'])
    expect(nobody).toMatchObject({ code: 1, err: 'user: no user named nobody\n' })
    const unset = await user('', ['list'])
    expect(unset.err).toBe('user: SWITCHBOARD_USERS_FILE is not set: name the users file to manage\n')
    expect(JSON.stringify((await readUsersFile(file)).data)).toBe(before)
  })
})
