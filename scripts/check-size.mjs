// The bundle budget: gzip size of every JS file in dist/assets, per file and total; over budget fails.
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

const kb = (bytes) => (bytes / 1024).toFixed(1)
let total = 0
for (const f of files) {
  const raw = readFileSync(path.join(dir, f))
  const gz = gzipSync(raw).length
  total += gz
  console.log(`${kb(gz).padStart(8)} KB gzip  ${kb(raw.length).padStart(8)} KB raw  ${f}`)
}
const over = total > BUDGET_KB * 1024
console.log(`${kb(total).padStart(8)} KB gzip total (budget ${BUDGET_KB} KB)${over ? ' — OVER BUDGET' : ''}`)
process.exit(over ? 1 : 0)
