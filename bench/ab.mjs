// A/B of a fresh page's burst — the figure that moves most with the machine — for two builds:
// the same measurement as `npm run bench` (figures.mjs `burst`, first burst only), fresh pages
// taken from A and B in turn (A B, B A, …) so the machine's drift falls on both alike.
//
//   git switch <base> && npx vite build --outDir bench/out/a
//   git switch <change> && npx vite build --outDir bench/out/b
//   node bench/ab.mjs bench/out/a bench/out/b [--view=grid] [--runs=12]
import { argv } from 'node:process'
import { burst } from './figures.mjs'
import { launchBrowser, simControl, startServer, summarise } from './harness.mjs'

const [dirA, dirB] = argv.slice(2).filter((a) => !a.startsWith('--'))
if (!dirA || !dirB) throw new Error('usage: node bench/ab.mjs <build A> <build B> [--view=agent|grid] [--runs=N]')
const option = (name, fallback) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback
const view = option('view', 'agent')
const runs = Number(option('runs', 12))

const servers = [await startServer(5241, dirA), await startServer(5242, dirB)]
const browser = await launchBrowser()
const results = [[], []]
try {
  for (let r = 0; r < runs; r++) {
    for (const k of r % 2 ? [1, 0] : [0, 1]) {
      const env = { browser, url: servers[k].url, sim: simControl(servers[k].url) }
      results[k].push(...(await burst(env, 1000, 1, view, { warm: false })))
    }
  }
} finally {
  await browser.close()
  for (const s of servers) await s.stop()
}
for (const [k, name] of [
  [0, `A ${dirA}`],
  [1, `B ${dirB}`],
]) {
  const rs = results[k]
  const settled = summarise(rs.map((x) => x.settledDom))
  const longest = rs.map((x) => x.longestTask ?? 0)
  console.log(
    `${name}: ${view}, settled median ${settled.median} ms (${settled.min}–${settled.max}); ` +
      `${rs.filter((x) => x.settledDom <= 100).length}/${rs.length} runs ≤ 100 ms; ` +
      `a task ≥ 50 ms in ${longest.filter((t) => t >= 50).length}/${rs.length} (longest ${Math.max(...longest)} ms)`,
  )
}
