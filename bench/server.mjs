// `npm run bench:server`: runs bench/server-bench.ts through Vite's module runner (Node 20 runs no TypeScript).
//   --quick   shorter windows and fewer events: checks the harness, not the server
//   --fanout=N  only the one-instance fan-out at N browsers, printed, no results file (HUB_NODE_ARGS=--cpu-prof
//               profiles the hub process)
//   --no-records  without the records part (bench/records.mjs, run first in its own process)
import { spawnSync } from 'node:child_process'
import { runnerImport } from 'vite'

const args = process.argv.slice(2)
if (!args.includes('--no-records') && !args.some((a) => /^--(fanout|floor)=/.test(a)))
  spawnSync(
    process.execPath,
    [new URL('./records.mjs', import.meta.url).pathname, ...(args.includes('--quick') ? ['--quick'] : [])],
    {
      stdio: 'inherit',
    },
  )

await runnerImport(new URL('./server-bench.ts', import.meta.url).pathname, { configFile: false, logLevel: 'error' })
