// pino JSON logs: secrets redacted by path, and the PBX key (in any form an echo may take) replaced in
// every line before it is written — no log line can hold it, whatever a message was built from. Audit lines
// (server/audit.ts) have their own level above fatal, so no LOG_LEVEL drops them: `silent` keeps them alone.
import pino, { type DestinationStream, type Logger } from 'pino'
import { scrubber } from './pbx/pbx-client.ts'

/** Above pino's fatal (60): a level setting that keeps fatal keeps these. */
const AUDIT_LEVEL = 70

export function createLogger(opts: { apiKey?: string; level?: string; stream?: DestinationStream }): Logger {
  const scrub = opts.apiKey ? scrubber(opts.apiKey) : null
  const level = opts.level ?? 'info'
  const logger = pino<'audit'>(
    {
      customLevels: { audit: AUDIT_LEVEL },
      level: level === 'silent' ? 'audit' : level,
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
  // Typed as a plain Logger for Fastify and the feed; the audit level is reached through audit() alone.
  return logger as unknown as Logger
}
