import { useEffect, useRef, useState } from 'react'
import type uPlot from 'uplot'
import type { HourRow } from './reports-api.ts'

const HOUR_S = 3600
const COLORS = { answered: '#059669', missed: '#dc2626' }

/** The server's time zone if this browser knows it, else UTC (a bad name must not break the view). */
export function knownZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat([], { timeZone })
    return timeZone
  } catch {
    return 'UTC'
  }
}

const hourLabel = (f: Intl.DateTimeFormat, iso: string) => {
  const t = Date.parse(iso)
  return Number.isNaN(t) ? iso : f.format(t)
}

/** Empty hours either side of the calls: a single busy hour still reads as a bar among hours, not a wall. */
const PAD_HOURS = 2

/** Every hour from a little before the first to a little after the last with calls (empty ones as zeros), as uPlot's columns. */
export function hourColumns(hourly: readonly HourRow[]): [number[], number[], number[]] {
  const at = new Map(hourly.map((h) => [Math.floor(Date.parse(h.hour) / 1000 / HOUR_S) * HOUR_S, h]))
  const keys = [...at.keys()].filter(Number.isFinite).sort((a, b) => a - b)
  const cols: [number[], number[], number[]] = [[], [], []]
  if (!keys.length) return cols
  const last = keys[keys.length - 1] + PAD_HOURS * HOUR_S
  for (let t = keys[0] - PAD_HOURS * HOUR_S; t <= last; t += HOUR_S) {
    // Each bar pair in the middle of its hour, between the hour's ticks.
    cols[0].push(t + HOUR_S / 2)
    cols[1].push(at.get(t)?.answered ?? 0)
    cols[2].push(at.get(t)?.missed ?? 0)
  }
  return cols
}

/** A computed colour (`rgb(…)`, or Tailwind's `oklch(…)`) at a fraction of its strength, for grid lines. */
export function faint(color: string, alpha: number): string {
  const rgb = /^rgb\(([^)]*)\)$/.exec(color)
  if (rgb) return `rgba(${rgb[1]}, ${alpha})`
  return /^[a-z]+\([^/)]*\)$/.test(color) ? color.replace(/\)$/, ` / ${alpha})`) : color
}

function options(width: number, zone: string, ink: string, lib: typeof uPlot): uPlot.Options {
  const bars = lib.paths.bars!
  const axis = {
    stroke: ink,
    grid: { stroke: faint(ink, 0.2), width: 1 },
    ticks: { stroke: faint(ink, 0.2), width: 1 },
  }
  return {
    width,
    height: 220,
    legend: { show: false },
    tzDate: (ts) => lib.tzDate(new Date(ts * 1000), zone),
    scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    // Whole hours (or days) on the time axis, whole calls on the count axis.
    axes: [
      { ...axis, incrs: [1, 2, 3, 6, 12, 24, 48, 168].map((h) => h * HOUR_S) },
      { ...axis, incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] },
    ],
    // Bars only: no dots on the hours.
    series: [
      {},
      {
        label: 'Answered',
        fill: COLORS.answered,
        stroke: COLORS.answered,
        paths: bars({ size: [0.4], align: -1 }),
        points: { show: false },
      },
      {
        label: 'Missed',
        fill: COLORS.missed,
        stroke: COLORS.missed,
        paths: bars({ size: [0.4], align: 1 }),
        points: { show: false },
      },
    ],
  }
}

/** Calls per hour as bars; uPlot is fetched only when this chart is first shown. */
function Bars({ hourly, timeZone }: { hourly: readonly HourRow[]; timeZone: string }) {
  const box = useRef<HTMLDivElement>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    const el = box.current
    if (!el) return
    let chart: uPlot | undefined
    let ro: ResizeObserver | undefined
    let gone = false
    Promise.all([import('uplot'), import('uplot/dist/uPlot.min.css')])
      .then(([{ default: lib }]) => {
        if (gone) return
        const ink = getComputedStyle(el).color
        chart = new lib(options(el.clientWidth, knownZone(timeZone), ink, lib), hourColumns(hourly), el)
        ro = new ResizeObserver(() => chart?.setSize({ width: el.clientWidth, height: 220 }))
        ro.observe(el)
      })
      .catch(() => !gone && setFailed(true))
    return () => {
      gone = true
      ro?.disconnect()
      chart?.destroy()
    }
  }, [hourly, timeZone])
  if (failed) return <p className="text-sm">The chart could not be loaded; the table below has the same figures.</p>
  return <div ref={box} aria-hidden="true" className="min-h-[220px] text-slate-600 dark:text-slate-300" />
}

/** The chart, its key, and the same figures as a table for anyone who cannot see it. */
export function HourlyChart({ hourly, timeZone }: { hourly: readonly HourRow[]; timeZone: string }) {
  const zone = knownZone(timeZone)
  const day = new Intl.DateTimeFormat([], { timeZone: zone, dateStyle: 'short' })
  const manyDays = new Set(hourly.map((h) => hourLabel(day, h.hour))).size > 1
  const when = new Intl.DateTimeFormat([], {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    ...(manyDays ? { day: 'numeric', month: 'short' } : {}),
  })
  return (
    <figure
      aria-labelledby="hourly-heading"
      className="flex flex-col gap-2 rounded-xl bg-white p-3 shadow-sm dark:bg-slate-900"
    >
      <figcaption id="hourly-heading" className="flex flex-wrap items-center gap-3 text-sm font-semibold">
        Calls per hour <span className="font-normal text-slate-600 dark:text-slate-300">({zone})</span>
        <span className="flex items-center gap-1 font-normal">
          <span aria-hidden="true" className="inline-block size-3 rounded-sm" style={{ background: COLORS.answered }} />
          Answered
        </span>
        <span className="flex items-center gap-1 font-normal">
          <span aria-hidden="true" className="inline-block size-3 rounded-sm" style={{ background: COLORS.missed }} />
          Missed
        </span>
      </figcaption>
      {hourly.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-300">No calls in this range.</p>
      ) : (
        <>
          <Bars hourly={hourly} timeZone={timeZone} />
          <details className="text-sm">
            <summary className="cursor-pointer">Calls per hour as a table</summary>
            <table className="mt-1 tabular-nums">
              <thead>
                <tr>
                  {['Hour', 'Offered', 'Answered', 'Missed'].map((c) => (
                    <th key={c} scope="col" className="px-2 text-left">
                      {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {hourly.map((h) => (
                  <tr key={h.hour}>
                    <th scope="row" className="px-2 text-left font-normal">
                      {hourLabel(when, h.hour)}
                    </th>
                    <td className="px-2">{h.offered}</td>
                    <td className="px-2">{h.answered}</td>
                    <td className="px-2">{h.missed}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </figure>
  )
}
