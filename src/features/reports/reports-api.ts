// The server's reports for supervisors (GET /api/reports, the CSV) and today's figures per extension.
import { queryOptions } from '@tanstack/react-query'
import { z } from 'zod/mini'
import { getJson } from '../session/server-api.ts'

const maybe = z.nullable(z.number())

export const reportRowSchema = z.object({
  extension: z.string(),
  offered: z.number(),
  answered: z.number(),
  missed: z.number(),
  /** Shares, 0 to 1; null when nothing was offered. */
  answerRate: maybe,
  serviceLevel: maybe,
  avgRingS: maybe,
  maxRingS: maybe,
  talkS: z.number(),
})
export type ReportRow = z.infer<typeof reportRowSchema>

const hourSchema = z.object({ hour: z.string(), offered: z.number(), answered: z.number(), missed: z.number() })
export type HourRow = z.infer<typeof hourSchema>

export const reportSchema = z.object({
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  serviceLevelS: z.number(),
  rows: z.array(reportRowSchema),
  queue: reportRowSchema,
  hourly: z.array(hourSchema),
})
export type Report = z.infer<typeof reportSchema>

const figuresSchema = z.object({
  date: z.string(),
  figures: z.record(z.string(), z.object({ answered: z.number(), missed: z.number() })),
})

/** A range of days (YYYY-MM-DD, the server's time zone); none: the server's today. */
export interface DayRange {
  from: string
  to: string
}

const rangeQuery = (r: DayRange | null) =>
  r ? `?from=${encodeURIComponent(r.from)}&to=${encodeURIComponent(r.to)}` : ''

/** The CSV of the calls in the range, one line per call (the server names it for the download). */
export const csvUrl = (r: DayRange) => `/api/reports/calls.csv${rangeQuery(r)}`

export const reportQueries = {
  all: () => ['reports'] as const,
  range: (r: DayRange | null) =>
    queryOptions({
      // null: the server's today.
      queryKey: [...reportQueries.all(), r] as const,
      queryFn: ({ signal }) => getJson(`/api/reports${rangeQuery(r)}`, reportSchema, signal),
      // A refusal (403, a wrong range) is the answer, not a hiccup to retry.
      retry: false,
    }),
}

export const figureQueries = {
  all: () => ['figures'] as const,
  today: () =>
    queryOptions({
      queryKey: [...figureQueries.all(), 'today'] as const,
      queryFn: ({ signal }) => getJson('/api/figures/today', figuresSchema, signal),
      // Refreshed when a call ends (LiveFigures), not on a timer or a window focus.
      staleTime: Infinity,
      retry: false,
    }),
}
