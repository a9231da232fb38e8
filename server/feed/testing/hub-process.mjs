// Runs hub-process.ts in a plain `node` (Node 20 runs no TypeScript): Vite's module runner loads it.
import { runnerImport } from 'vite'

await runnerImport(new URL('./hub-process.ts', import.meta.url).pathname, { configFile: false, logLevel: 'error' })
