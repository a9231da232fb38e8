// The users file (SWITCHBOARD_USERS_FILE): who may sign in, what they may watch and act on, the dial policy.
// Read and validated here (zod); written only by the CLI, atomically (temp file + rename), mode 0600.
import { randomBytes } from 'node:crypto'
import { chmod, open, readFile, rename, rm } from 'node:fs/promises'
import path from 'node:path'
import { z } from 'zod'
import type { DialPolicy, SessionUser } from '../types.ts'
import { checkEntry, expandEntries } from './extension-list.ts'
import { isPasswordHash } from './password.ts'

const entries = z.array(
  z.string().superRefine((s, ctx) => {
    const c = checkEntry(s)
    if (!c.ok) ctx.addIssue({ code: 'custom', message: c.error })
  }),
)

const prefixes = z.array(z.string().regex(/^\+?\d{1,15}$/, 'a prefix is digits, optionally after +'))

const dialPolicySchema = z.strictObject({
  perMinute: z.number().int().min(0).max(600),
  allowPrefixes: prefixes,
  denyPrefixes: prefixes,
})

const userSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'a name is letters, digits and . _ @ - (up to 64)'),
  display: z.string().min(1).max(100).optional(),
  email: z.email().optional(),
  /** scrypt$N$r$p$salt$hash; absent for a user who signs in only through OIDC. */
  password: z.string().refine(isPasswordHash, 'not a scrypt hash written by `npm run user -- add`').optional(),
  supervisor: z.boolean().default(false),
  /** As written: "400", "SIP/401", "400-499". */
  act: entries.default([]),
  watch: entries.default([]),
  /** Overrides the file's dial policy for this user (any field). */
  dialPolicy: dialPolicySchema.partial().optional(),
})

export const DEFAULT_DIAL_POLICY: DialPolicy = { perMinute: 10, allowPrefixes: [], denyPrefixes: ['1900', '0011'] }

const fileSchema = z
  .strictObject({
    version: z.literal(1).default(1),
    dialPolicy: dialPolicySchema.default(DEFAULT_DIAL_POLICY),
    users: z.array(userSchema),
    /** Named lists for a wall's link (`?group=sales`), besides SWITCHBOARD_GROUPS; the file's wins on a clash. */
    groups: z
      .record(
        z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/, 'a group name is letters, digits, _ and - (up to 32)'),
        entries,
      )
      .optional(),
  })
  .superRefine((f, ctx) => {
    const seen = new Set<string>()
    f.users.forEach((u, i) => {
      const key = u.name.toLowerCase()
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['users', i, 'name'], message: `${u.name} appears twice` })
      seen.add(key)
    })
  })

export type UserRecord = z.output<typeof userSchema>
export type UsersFileData = z.output<typeof fileSchema>

/** The file as the server uses it: users by lower-cased name and by lower-cased email, each with its rights expanded. */
export interface Users {
  data: UsersFileData
  byName: Map<string, Account>
  byEmail: Map<string, Account>
  /** Extension → the display name of the one user who acts on it; absent when none or several do. */
  actors: Map<string, string>
  /** The file's groups, expanded to bare extensions. */
  groups: Record<string, string[]>
}

export interface Account {
  record: UserRecord
  user: Omit<SessionUser, 'mode'>
  dialPolicy: DialPolicy
}

export const emptyUsersFile = (): UsersFileData => ({ version: 1, dialPolicy: { ...DEFAULT_DIAL_POLICY }, users: [] })

/** One line saying what is wrong and where (`users.2.watch.0: range 499-400 runs backwards`). */
function oneLine(err: z.ZodError): string {
  const issue = err.issues[0]
  const where = issue.path.length ? `${issue.path.join('.')}: ` : ''
  const more = err.issues.length > 1 ? ` (and ${err.issues.length - 1} more)` : ''
  return `${where}${issue.message}${more}`
}

export function parseUsersFile(text: string, file = 'users file'): UsersFileData {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    throw new Error(`${file}: not JSON (${(e as Error).message})`, { cause: e })
  }
  const parsed = fileSchema.safeParse(json)
  if (!parsed.success) throw new Error(`${file}: ${oneLine(parsed.error)}`)
  return parsed.data
}

/** Rights expanded once per read of the file; a user's `act` extensions are watched too. */
export function indexUsers(data: UsersFileData): Users {
  const byName = new Map<string, Account>()
  const byEmail = new Map<string, Account>()
  const actors = new Map<string, string | null>()
  for (const record of data.users) {
    const act = expandEntries(record.act)
    const watch = expandEntries(record.watch)
    for (const e of act) watch.add(e)
    const account: Account = {
      record,
      user: {
        name: record.name,
        display: record.display ?? record.name,
        supervisor: record.supervisor,
        act: { all: false, exts: act },
        watch: { all: false, exts: watch },
      },
      dialPolicy: { ...data.dialPolicy, ...record.dialPolicy },
    }
    byName.set(record.name.toLowerCase(), account)
    if (record.email) byEmail.set(record.email.toLowerCase(), account)
    for (const e of act) actors.set(e, actors.has(e) ? null : account.user.display)
  }
  const groups = Object.fromEntries(Object.entries(data.groups ?? {}).map(([n, list]) => [n, [...expandEntries(list)]]))
  const named = new Map([...actors].filter((a): a is [string, string] => a[1] !== null))
  return { data, byName, byEmail, actors: named, groups }
}

/** Every extension some user may watch (those who may watch all add none): with the config's, the feed's upstream list. */
export function watchedByUsers(users: Users): string[] {
  const exts = new Set<string>()
  for (const acc of users.byName.values()) if (!acc.user.watch.all) for (const e of acc.user.watch.exts) exts.add(e)
  return [...exts]
}

export async function readUsersFile(file: string): Promise<Users> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, { cause: e })
  }
  return indexUsers(parseUsersFile(text, file))
}

/** Temp file in the same folder, fsync, rename: a reader sees the old file or the new one, never half. */
export async function writeUsersFile(file: string, data: UsersFileData): Promise<void> {
  const checked = fileSchema.parse(data)
  const dir = path.dirname(file)
  const tmp = path.join(dir, `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`)
  let fh
  try {
    fh = await open(tmp, 'wx', 0o600)
  } catch (e) {
    // Not a raw ENOENT naming our temporary file: what is missing, and the command that makes it.
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      throw new Error(`cannot write ${file}: the folder ${dir} does not exist (create it: mkdir -p ${dir})`, {
        cause: e,
      })
    throw e
  }
  try {
    try {
      await fh.writeFile(`${JSON.stringify(checked, null, 2)}\n`)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await chmod(tmp, 0o600)
    await rename(tmp, file)
  } catch (e) {
    await rm(tmp, { force: true })
    throw e
  }
}
