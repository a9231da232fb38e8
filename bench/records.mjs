// `node bench/records.mjs [--quick]`: bench/records-bench.ts through Vite's module runner (Node 20 runs no TypeScript).
import { runnerImport } from 'vite'

await runnerImport(new URL('./records-bench.ts', import.meta.url).pathname, { configFile: false, logLevel: 'error' })
