// `npm run bench:server`: runs bench/server-bench.ts through Vite's module runner (Node 20 runs no TypeScript).
//   --quick   shorter windows and fewer events: checks the harness, not the server
//   --fanout=N  only the one-instance fan-out at N browsers, printed, no results file (HUB_NODE_ARGS=--cpu-prof
//               profiles the hub process)
import { runnerImport } from 'vite'

await runnerImport(new URL('./server-bench.ts', import.meta.url).pathname, { configFile: false, logLevel: 'error' })
