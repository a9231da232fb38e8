// The bundle budget: gzip size of the JS a first load fetches (index.html's module scripts and their
// modulepreloads); over budget fails. Chunks loaded later (React.lazy panels) are listed, and counted
// apart: a rarely opened panel does not slow the first paint an agent waits for.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'

const BUDGET_KB = 120
const dir = path.resolve(process.argv[2] ?? 'dist/assets')

if (!existsSync(dir)) {
  console.error(`check-size: ${dir} does not exist; run \`npm run build\` first.`)
  process.exit(1)
}
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .sort()
if (files.length === 0) {
  console.error(`check-size: no .js files in ${dir}`)
  process.exit(1)
}

// What the page itself asks for; without an index.html beside the assets, every file counts.
const html = path.join(dir, '..', 'index.html')
const initial = existsSync(html)
  ? new Set([...readFileSync(html, 'utf8').matchAll(/(?:src|href)="[^"]*\/assets\/([^"]+\.js)"/g)].map((m) => m[1]))
  : new Set(files)

const kb = (bytes) => (bytes / 1024).toFixed(1)
let total = 0
let lazy = 0
for (const f of files) {
  const raw = readFileSync(path.join(dir, f))
  const gz = gzipSync(raw).length
  if (initial.has(f)) total += gz
  else lazy += gz
  console.log(
    `${kb(gz).padStart(8)} KB gzip  ${kb(raw.length).padStart(8)} KB raw  ${f}${initial.has(f) ? '' : '  (lazy)'}`,
  )
}
const over = total > BUDGET_KB * 1024
console.log(`${kb(total).padStart(8)} KB gzip first load (budget ${BUDGET_KB} KB)${over ? ' — OVER BUDGET' : ''}`)
if (lazy) console.log(`${kb(lazy).padStart(8)} KB gzip loaded later (lazy panels)`)
process.exit(over ? 1 : 0)
