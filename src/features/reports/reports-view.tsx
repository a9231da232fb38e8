import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { isServerError } from '../session/server-api.ts'
import { HourlyChart } from './hourly-chart.tsx'
import { ReportTable } from './report-table.tsx'
import { csvUrl, reportQueries, type DayRange } from './reports-api.ts'

const field =
  'rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100'

/** From and To; a range the server finds wrong comes back with its reason. */
function RangeForm({ range, onChange }: { range: DayRange | undefined; onChange: (r: DayRange) => void }) {
  const id = useId()
  const set = (k: keyof DayRange, v: string) => range && v && onChange({ ...range, [k]: v })
  return (
    <div role="group" aria-label="Date range" className="flex flex-wrap items-center gap-2 text-sm">
      {(['from', 'to'] as const).map((k) => (
        // A label stays beside its field when the row wraps (a phone).
        <span key={k} className="flex items-center gap-2">
          <label htmlFor={`${id}-${k}`}>{k === 'from' ? 'From' : 'To'}</label>
          <input
            id={`${id}-${k}`}
            type="date"
            className={field}
            value={range?.[k] ?? ''}
            disabled={!range}
            onChange={(e) => set(k, e.target.value)}
          />
        </span>
      ))}
    </div>
  )
}

/**
 * A supervisor's reports: per extension and for queue calls over a range of days (today, in the server's
 * time zone, until another is chosen), calls per hour, and the calls themselves as CSV. Anyone else is
 * refused by the server, and told so here.
 */
export default function ReportsView() {
  // null: the server's today (it says which day that is).
  const [chosen, setChosen] = useState<DayRange | null>(null)
  // The last report stays on screen while another range loads.
  const q = useQuery({ ...reportQueries.range(chosen), placeholderData: keepPreviousData })
  const refused = isServerError(q.error) && q.error.status === 403
  const report = q.data
  const shown = chosen ?? (report ? { from: report.from, to: report.to } : undefined)
  return (
    <section aria-labelledby="reports-heading" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
        <h2 id="reports-heading" className="text-lg font-semibold">
          Reports
        </h2>
        {!refused && <RangeForm range={shown} onChange={setChosen} />}
        {report && (
          <a
            href={csvUrl({ from: report.from, to: report.to })}
            download
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-sky-500 dark:border-slate-600 dark:bg-slate-800 dark:hover:bg-slate-700"
          >
            Download CSV
          </a>
        )}
      </div>
      {q.error && (
        <p
          role="alert"
          className="max-w-prose rounded-md bg-red-50 p-3 text-sm text-red-800 dark:bg-red-950 dark:text-red-200"
        >
          {q.error.message}
        </p>
      )}
      {q.isPending && <p className="text-sm text-slate-600 dark:text-slate-300">Loading the report…</p>}
      {report && (
        <>
          <p className="text-xs text-slate-600 dark:text-slate-300">
            Days in {report.timeZone}; service level: answered within {report.serviceLevelS} s.
          </p>
          <ReportTable report={report} />
          <HourlyChart hourly={report.hourly} timeZone={report.timeZone} />
        </>
      )}
    </section>
  )
}
