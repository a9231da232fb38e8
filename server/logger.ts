// pino JSON logs: secrets redacted by path, and the PBX key (in any form an echo may take) replaced in
// every line before it is written — no log line can hold it, whatever a message was built from.
import pino, { type DestinationStream, type Logger } from 'pino'
import { scrubber } from './pbx/pbx-client.ts'

export function createLogger(opts: { apiKey?: string; level?: string; stream?: DestinationStream }): Logger {
  const scrub = opts.apiKey ? scrubber(opts.apiKey) : null
  return pino(
    {
      level: opts.level ?? 'info',
      redact: {
        paths: [
          'req.headers.cookie',
          'req.headers.authorization',
          'req.headers["x-api-key"]',
          'res.headers["set-cookie"]',
          'apiKey',
          '*.apiKey',
          'password',
          '*.password',
        ],
        censor: '[redacted]',
      },
      ...(scrub ? { hooks: { streamWrite: (line: string) => scrub(line) } } : {}),
    },
    opts.stream ?? pino.destination({ dest: 1, sync: true }),
  )
}
