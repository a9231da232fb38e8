// `npm run --silent user -- add|remove|list`: manages the users file named by SWITCHBOARD_USERS_FILE.
// Run through scripts/user.mjs (compiled server when built, else this source bundled on the fly).
import { existsSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { checkEntry, splitEntries } from './extension-list.ts'
import { hashPassword } from './password.ts'
import { emptyUsersFile, parseUsersFile, writeUsersFile, type UserRecord, type UsersFileData } from './users-file.ts'
import { readFile } from 'node:fs/promises'

const USAGE = `Usage (the file is $SWITCHBOARD_USERS_FILE):
  npm run --silent user -- add NAME [--act 400,401] [--watch 400-499] [--supervisor]
                                    [--display "Full Name"] [--email a@example.com] [--password-stdin]
      adds NAME, or updates NAME's rights (and password, with --password-stdin; kept otherwise)
  npm run --silent user -- remove NAME
  npm run --silent user -- list`

export interface CliIo {
  env: Record<string, string | undefined>
  stdin: () => Promise<string>
  out: (line: string) => void
  err: (line: string) => void
}

class UsageError extends Error {}

function entriesOf(flag: string, value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined
  const list = splitEntries(value)
  for (const e of list) {
    const c = checkEntry(e)
    if (!c.ok) throw new UsageError(`--${flag}: ${c.error}`)
  }
  return list
}

async function load(file: string, create: boolean): Promise<UsersFileData> {
  if (!existsSync(file)) {
    if (create) return emptyUsersFile()
    throw new Error(`${file} does not exist yet; add a user first`)
  }
  return parseUsersFile(await readFile(file, 'utf8'), file)
}

async function run(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      act: { type: 'string' },
      watch: { type: 'string' },
      supervisor: { type: 'boolean' },
      'no-supervisor': { type: 'boolean' },
      display: { type: 'string' },
      email: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  const [command, name, ...rest] = positionals
  if (values.help || !command) {
    io.out(USAGE)
    return values.help ? 0 : 2
  }
  const file = io.env.SWITCHBOARD_USERS_FILE
  if (!file) throw new Error('SWITCHBOARD_USERS_FILE is not set: name the users file to manage')
  if (rest.length) throw new UsageError(`unexpected ${rest.join(' ')}`)

  switch (command) {
    case 'list': {
      const data = await load(file, false)
      if (!data.users.length) io.out('No users.')
      for (const u of data.users) {
        const flags = [u.supervisor && 'supervisor', u.password ? 'password' : 'no password (single sign-on only)']
        io.out(
          `${u.name}${u.display ? ` (${u.display})` : ''}${u.email ? ` <${u.email}>` : ''}: act ${u.act.join(',') || '-'}; watch ${u.watch.join(',') || '-'}; ${flags.filter(Boolean).join(', ')}`,
        )
      }
      return 0
    }
    case 'remove': {
      if (!name) throw new UsageError('remove needs a NAME')
      const data = await load(file, false)
      const left = data.users.filter((u) => u.name.toLowerCase() !== name.toLowerCase())
      if (left.length === data.users.length) throw new Error(`no user named ${name}`)
      await writeUsersFile(file, { ...data, users: left })
      io.out(`Removed ${name}; their sessions end within seconds.`)
      return 0
    }
    case 'add': {
      if (!name) throw new UsageError('add needs a NAME')
      const data = await load(file, true)
      const i = data.users.findIndex((u) => u.name.toLowerCase() === name.toLowerCase())
      const before: UserRecord | undefined = data.users[i]
      let password = before?.password
      if (values['password-stdin']) {
        const typed = (await io.stdin()).replace(/\r?\n$/, '')
        if (typed.length < 8) throw new Error('the password on stdin must be at least 8 characters')
        password = await hashPassword(typed)
      }
      const record: UserRecord = {
        name: before?.name ?? name,
        ...((values.display ?? before?.display) ? { display: values.display ?? before?.display } : {}),
        ...((values.email ?? before?.email) ? { email: values.email ?? before?.email } : {}),
        ...(password ? { password } : {}),
        supervisor: values.supervisor ? true : values['no-supervisor'] ? false : (before?.supervisor ?? false),
        act: entriesOf('act', values.act) ?? before?.act ?? [],
        watch: entriesOf('watch', values.watch) ?? before?.watch ?? [],
        ...(before?.dialPolicy ? { dialPolicy: before.dialPolicy } : {}),
      }
      const users = [...data.users]
      if (before) users[i] = record
      else users.push(record)
      await writeUsersFile(file, { ...data, users })
      io.out(
        `${before ? 'Updated' : 'Added'} ${record.name}: act ${record.act.join(',') || '-'}; watch ${record.watch.join(',') || '-'}${record.supervisor ? '; supervisor' : ''}`,
      )
      if (before?.password && password !== before.password)
        io.out(`New password: ${record.name}'s sessions signed in with the old one end within seconds.`)
      if (!password)
        io.out('No password set: this user can sign in only through single sign-on (or add --password-stdin).')
      return 0
    }
    default:
      throw new UsageError(`unknown command ${command}`)
  }
}

/** Exit code: 0 done, 1 refused (one line on stderr), 2 usage. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await run(argv, io)
  } catch (e) {
    const usage = e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    io.err(`user: ${(e as Error).message}`)
    if (usage) io.err(USAGE)
    return usage ? 2 : 1
  }
}

/** A password typed on a terminal, not echoed (raw mode: Enter ends it, Backspace erases, Ctrl-C cancels). */
function readHidden(): Promise<string> {
  const stdin = process.stdin
  // Echo off before the prompt shows: nothing typed after it is ever displayed.
  stdin.setRawMode(true)
  process.stderr.write('Password (not shown as you type; Enter ends it): ')
  return new Promise((resolve, reject) => {
    let typed = ''
    const finish = (err?: Error) => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stderr.write('\n')
      if (err) reject(err)
      else resolve(typed)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish()
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled: no password typed'))
        if (ch === '\u007f' || ch === '\b') typed = typed.slice(0, -1)
        else if (ch >= ' ') typed += ch
      }
    }
    stdin.setEncoding('utf8')
    stdin.on('data', onData)
    stdin.resume()
  })
}

export const processIo = (): CliIo => ({
  env: process.env,
  stdin: async () => {
    if (process.stdin.isTTY) return readHidden()
    const chunks: Buffer[] = []
    for await (const c of process.stdin) chunks.push(c as Buffer)
    return Buffer.concat(chunks).toString('utf8')
  },
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
})
