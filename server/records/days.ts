// Calendar days in the server's time zone (a report's "today") as UTC instants: the database holds UTC only.

/** The zone's offset from UTC at instant `ms`, in ms (positive east of Greenwich). */
function offsetAt(ms: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(ms))
  const n = (t: string) => Number(parts.find((p) => p.type === t)!.value)
  return (
    Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second')) - Math.floor(ms / 1000) * 1000
  )
}

/** The instant a calendar day (YYYY-MM-DD) starts in the zone. */
export function dayStart(day: string, timeZone: string): number {
  const [y, m, d] = day.split('-').map(Number)
  const wall = Date.UTC(y, m - 1, d)
  // Twice: the offset at the first guess may differ from the one at the answer (a DST change that day).
  let t = wall - offsetAt(wall, timeZone)
  t = wall - offsetAt(t, timeZone)
  return t
}

/** The day after, as YYYY-MM-DD. */
export function nextDay(day: string): string {
  const [y, m, d] = day.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10)
}

/** Today's date in the zone. */
export function today(timeZone: string, now = Date.now()): string {
  return new Date(now + offsetAt(now, timeZone)).toISOString().slice(0, 10)
}

/** A real calendar date written YYYY-MM-DD. */
export function isDay(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false
  const [y, m, d] = s.split('-').map(Number)
  return new Date(Date.UTC(y, m - 1, d)).toISOString().slice(0, 10) === s
}

/** Days from `from` to `to`, both counted. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1
}
