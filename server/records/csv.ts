// The calls as CSV (RFC 4180: CRLF line ends, every field quoted, quotes doubled). A spreadsheet runs a
// cell that starts with = + - @ (or a tab or CR) as a formula — a caller ID can be anything — so such a
// value gets a leading apostrophe inside its quotes (OWASP, "CSV Injection"): shown, never run.
import type { CallRecord } from './queries.ts'

export const CSV_COLUMNS = [
  'uniqueCallId',
  'extension',
  'direction',
  'caller',
  'queue',
  'clickToDial',
  'rangAt',
  'answeredAt',
  'endedAt',
  'outcome',
  'answeredBy',
  'ringS',
  'talkS',
] as const satisfies readonly (keyof CallRecord)[]

export function csvField(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v)
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`
  return `"${s.replace(/"/g, '""')}"`
}

export const csvLine = (values: readonly unknown[]) => `${values.map(csvField).join(',')}\r\n`

export async function* callsCsv(calls: AsyncIterable<CallRecord>): AsyncGenerator<string> {
  yield csvLine(CSV_COLUMNS)
  let batch = ''
  for await (const c of calls) {
    batch += csvLine(CSV_COLUMNS.map((k) => c[k]))
    if (batch.length > 64 * 1024) {
      yield batch
      batch = ''
    }
  }
  if (batch) yield batch
}
