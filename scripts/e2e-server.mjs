// The e2e suite's Switchboard, run as it is deployed (playwright.config.ts starts it after `npm run build`):
// the PBX simulator as its own HTTP PBX in this process (E2E_SIM_PORT, its /__sim controls for the tests), and
// `node dist-server/server/main.js` (`npm start`) as a child with NOOJEE_URL pointing at it and a users file made
// by the users CLI (scripts/user.mjs). Plain JS: Node 20 runs it with no TypeScript loader.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PORT = Number(process.env.E2E_PORT ?? 5199)
const SIM_PORT = Number(process.env.E2E_SIM_PORT ?? PORT + 300)

/** The users the specs sign in as (e2e/fixtures.ts): one password for all, this is a test server on loopback. */
const E2E_PASSWORD = 'e2e-password-for-tests'
const USERS = [
  // The specs' default: a supervisor on every extension they use (the old local developer's reach).
  // (430-439 watched only: Ann alone acts on 431, so the wall names her there.)
  [
    'e2e',
    ...['--display', 'E2E Agent', '--supervisor', '--watch', '430-439'],
    ...['--act', '0411,150,400-429,440-599,1000-1999,3000-3999,6000-6299'],
  ],
  // Issue 22, item 1: watches 430-439 only, acts on none.
  ['wall430', '--display', 'Wall 430', '--watch', '430-439'],
  // One person acting on 431: the wall's name for it (GET /api/session `names`).
  ['ann', '--display', 'Ann Agent', '--act', '431'],
  // History and missed counts come from the server's records (issue 24): a spec that counts them acts alone on
  // an extension no other spec rings, so the calls of the rest of the run are not in its history.
  ['hist1', '--act', '591', '--watch', '400'],
  ['hist2', '--act', '592', '--watch', '400'],
  ['hist3', '--act', '593', '--watch', '400'],
  ['hist4', '--act', '594', '--watch', '400'],
]

function run(args, env, stdin) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: ${out}`))))
    child.stdin.end(stdin)
  })
}

const dir = await mkdtemp(path.join(tmpdir(), 'switchboard-e2e-'))
const usersFile = path.join(dir, 'users.json')
for (const [name, ...args] of USERS)
  await run(
    ['scripts/user.mjs', 'add', name, ...args, '--password-stdin'],
    { ...process.env, SWITCHBOARD_USERS_FILE: usersFile },
    `${E2E_PASSWORD}\n`,
  )

const { startSimServer } = await import(pathToFileURL(path.join(root, 'dist-server/sim/sim-server.js')).href)
const apiKey = randomBytes(18).toString('base64url')
const sim = await startSimServer({ apiKey, demo: false, port: SIM_PORT })

const server = spawn(process.execPath, ['--max-semi-space-size=64', 'dist-server/server/main.js'], {
  cwd: root,
  env: {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(PORT),
    NOOJEE_URL: sim.url,
    NOOJEE_API_KEY: apiKey,
    NOOJEE_API_KEY_FILE: '',
    SWITCHBOARD_USERS_FILE: usersFile,
    // Records of this run only (issue 24), in the run's own folder, never the checkout's ./data.
    SWITCHBOARD_DATA_DIR: path.join(dir, 'data'),
    SESSION_SECRET: randomBytes(32).toString('base64url'),
    SWITCHBOARD_GROUPS: process.env.SWITCHBOARD_GROUPS ?? 'sales=400-409;support=410,411',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
})

let stopping = false
async function stop(code) {
  if (stopping) return
  stopping = true
  if (server.exitCode === null) {
    server.kill('SIGTERM')
    await new Promise((resolve) => server.once('exit', resolve))
  }
  await sim.close()
  await rm(dir, { recursive: true, force: true })
  process.exit(code)
}
server.on('exit', (code) => void stop(code ?? 1))
process.on('SIGTERM', () => void stop(0))
process.on('SIGINT', () => void stop(0))
