// `npm run --silent user -- …`: the users-file CLI (server/auth/cli.ts). Plain JS so Node 20 runs it with no
// TypeScript loader: it loads the compiled server (dist-server/, from `npm run build`), else (a checkout with
// dev dependencies) bundles the TypeScript source with rolldown, Vite's bundler, into node_modules/.tmp first.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import path from 'node:path'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const compiled = path.join(root, process.env.SWITCHBOARD_SERVER_BUILD ?? 'dist-server', 'server/auth/cli.js')

/** Built after every source it comes from (or no sources here, as in a production image). */
function fresh(out) {
  if (!existsSync(out)) return false
  const dir = path.join(root, 'server/auth')
  if (!existsSync(dir)) return true
  const sources = [...readdirSync(dir).map((f) => path.join(dir, f)), path.join(root, 'server/types.ts')]
  const built = statSync(out).mtimeMs
  return sources.every((f) => !existsSync(f) || statSync(f).mtimeMs <= built)
}

async function fromSource() {
  const out = path.join(root, 'node_modules/.tmp/switchboard-user-cli.mjs')
  if (fresh(out)) return out
  const { build } = await import('rolldown')
  await build({
    input: path.join(root, 'server/auth/cli.ts'),
    platform: 'node',
    logLevel: 'silent',
    external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
    output: { file: out, format: 'esm' },
  })
  return out
}

// The compiled server unless the source changed since `npm run build` (then the source: a test or a developer
// must never run a stale copy).
async function pick() {
  if (fresh(compiled)) return compiled
  try {
    return await fromSource()
  } catch (e) {
    // No dev dependencies (a production image): the compiled copy is all there is.
    if (existsSync(compiled)) return compiled
    throw e
  }
}

const entry = await pick()
const { main, processIo } = await import(pathToFileURL(entry).href)
process.exitCode = await main(process.argv.slice(2), processIo())
