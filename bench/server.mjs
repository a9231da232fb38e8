// `npm run bench:server`: runs bench/server-bench.ts through Vite's module runner (Node 20 runs no TypeScript).
//   --quick   shorter windows and fewer events: checks the harness, not the server
import { runnerImport } from 'vite'

await runnerImport(new URL('./server-bench.ts', import.meta.url).pathname, { configFile: false, logLevel: 'error' })
