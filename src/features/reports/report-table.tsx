import { formatDuration } from '../../lib/time.ts'
import type { Report, ReportRow } from './reports-api.ts'

/** A share as a whole percentage; nothing offered reads as a dash, not 0 %. */
export const percent = (share: number | null) => (share === null ? '—' : `${Math.round(share * 100)}%`)
/** Seconds as m:ss (h:mm:ss past an hour). */
export const duration = (s: number | null) => (s === null ? '—' : formatDuration(Math.round(s) * 1000))

export const COLUMNS = [
  'Extension',
  'Offered',
  'Answered',
  'Missed',
  'Answer rate',
  'Service level',
  'Average ring',
  'Longest ring',
  'Talk time',
] as const

const cells = (r: ReportRow) => [
  r.offered,
  r.answered,
  r.missed,
  percent(r.answerRate),
  percent(r.serviceLevel),
  duration(r.avgRingS),
  duration(r.maxRingS),
  duration(r.talkS),
]

const BODY = 'bg-white dark:bg-slate-900'
const th = 'px-2 py-1.5 text-left font-semibold whitespace-nowrap'
const td = 'px-2 py-1.5 text-right tabular-nums whitespace-nowrap'

/** The row's name stays in view while the figures scroll sideways (a phone). */
function Row({ label, row, bg, rule = 'border-t' }: { label: string; row: ReportRow; bg: string; rule?: string }) {
  return (
    <tr className={`${rule} border-slate-200 dark:border-slate-700 ${bg}`}>
      <th scope="row" className={`${th} sticky left-0 ${bg}`}>
        {label}
      </th>
      {cells(row).map((v, i) => (
        <td key={COLUMNS[i + 1]} className={td}>
          {v}
        </td>
      ))}
    </tr>
  )
}

/** One row per extension, then the queue calls (each counted once, however many extensions it rang). */
export function ReportTable({ report }: { report: Report }) {
  const days = report.from === report.to ? report.from : `${report.from} to ${report.to}`
  return (
    // Scrolls sideways on a phone rather than squeezing nine columns.
    <div className="overflow-x-auto rounded-xl bg-white shadow-sm dark:bg-slate-900">
      <table className="w-full text-sm">
        <caption className="px-2 pt-2 text-left text-sm font-semibold text-slate-700 dark:text-slate-200">
          Calls per extension, {days}
        </caption>
        <thead>
          <tr className="text-slate-600 dark:text-slate-300">
            {COLUMNS.map((c, i) => (
              <th key={c} scope="col" className={i === 0 ? th : `${th} text-right`}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {report.rows.length === 0 ? (
            <tr>
              <td colSpan={COLUMNS.length} className="px-2 py-3 text-slate-600 dark:text-slate-300">
                No extensions to report on.
              </td>
            </tr>
          ) : (
            report.rows.map((r) => <Row key={r.extension} label={r.extension} row={r} bg={BODY} />)
          )}
        </tbody>
        <tfoot>
          <Row label="Queue calls" row={report.queue} bg="bg-slate-50 dark:bg-slate-800" rule="border-t-2" />
        </tfoot>
      </table>
    </div>
  )
}
