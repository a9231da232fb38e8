// `npm run --silent user -- …`: the users-file CLI (server/auth/cli.ts). Plain JS so Node 20 runs it with no
// TypeScript loader: it loads the compiled server when `npm run build` made one, else (a checkout with dev
// dependencies) bundles the TypeScript source with rolldown, Vite's bundler, into node_modules/.tmp first.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'
import path from 'node:path'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const compiled = path.join(root, process.env.SWITCHBOARD_SERVER_BUILD ?? 'dist-server', 'server/auth/cli.js')

/** The bundle is rebuilt only when a source it comes from is newer. */
function fresh(out) {
  if (!existsSync(out)) return false
  const dir = path.join(root, 'server/auth')
  const sources = [...readdirSync(dir).map((f) => path.join(dir, f)), path.join(root, 'server/types.ts')]
  const built = statSync(out).mtimeMs
  return sources.every((f) => statSync(f).mtimeMs < built)
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

const entry = existsSync(compiled) ? compiled : await fromSource()
const { main, processIo } = await import(pathToFileURL(entry).href)
process.exitCode = await main(process.argv.slice(2), processIo())
