// Small helpers for the feed's tests and benchmark.
import { Redis } from 'ioredis'
import pino from 'pino'
import type { FeedReply } from '../../types.ts'

export const quietLogger = () => pino({ level: process.env.FEED_LOG ?? 'silent' })

export interface SubscribeBody {
  Data: Record<string, { CallData: { uniqueCallId: string; status: string } & Record<string, unknown> }[]>
  seq: number
  Code: number
}

/** A feed reply's JSON body (the hub serialises replies once, as a string). */
export function bodyOf(r: FeedReply): SubscribeBody {
  return (typeof r.body === 'string' ? JSON.parse(r.body) : r.body) as SubscribeBody
}

/** Extension → uniqueCallId → status, from a reply (snapshot or events, later events win). */
export function callsIn(r: FeedReply): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {}
  for (const [ext, evs] of Object.entries(bodyOf(r).Data ?? {}))
    for (const e of evs) (out[ext] ??= {})[e.CallData.uniqueCallId] = e.CallData.status
  return out
}

/**
 * A browser's feed as the panel keeps it (snapshot, then events after its cursor; a lower seq means
 * resynchronise): enough to check that what it shows equals the PBX's truth.
 */
export class TestBrowser {
  seq = 0
  calls: Record<string, Record<string, string>> = {}
  resyncs = 0
  failures: FeedReply[] = []
  private ctl = new AbortController()

  constructor(
    private readonly poll: (req: {
      exts: string[]
      cursor: number
      timeoutSec: number
      signal: AbortSignal
    }) => Promise<FeedReply>,
    readonly exts: string[],
  ) {
    for (const e of exts) this.calls[e] = {}
  }

  /** One poll, as the panel sends it; returns the reply. */
  async step(timeoutSec = 25): Promise<FeedReply> {
    const cursor = this.seq
    const r = await this.poll({
      exts: this.exts,
      cursor,
      timeoutSec: cursor === 0 ? 0 : timeoutSec,
      signal: this.ctl.signal,
    })
    if (r.status !== 200 || typeof r.body !== 'string' || !r.body.startsWith('{"Data"')) {
      this.failures.push(r)
      return r
    }
    const b = bodyOf(r)
    if (cursor === 0) {
      for (const e of this.exts) this.calls[e] = {}
    } else if (b.seq < cursor) {
      this.resyncs++
      this.seq = 0
      return r
    }
    for (const [ext, evs] of Object.entries(b.Data))
      for (const e of evs) {
        const m = (this.calls[ext] ??= {})
        if (['Hungup', 'Busy', 'No Answer'].includes(e.CallData.status)) delete m[e.CallData.uniqueCallId]
        else m[e.CallData.uniqueCallId] = e.CallData.status
      }
    this.seq = b.seq
    return r
  }

  /** Poll until stopped (held polls, as the panel). */
  run(): void {
    void (async () => {
      while (!this.ctl.signal.aborted) {
        const failed = this.failures.length
        await this.step()
        // The panel backs off after a failure (a second, at least); a short pause keeps the test quick.
        if (this.failures.length > failed) await new Promise((res) => setTimeout(res, 200))
      }
    })()
  }

  stop(): void {
    this.ctl.abort()
  }
}

/** Every events entry in a feed's Redis stream, in seq order, and any break in the seq (there should be none). */
export async function readStream(url: string, key: string) {
  const r = new Redis(url)
  const entries = (await r.xrange(key, '-', '+')) as [string, string[]][]
  r.disconnect()
  const events: { seq: number; callerId?: string; status: string }[] = []
  let head: number | null = null
  const gaps: string[] = []
  for (const [, flat] of entries) {
    const f: Record<string, string> = {}
    for (let i = 0; i < flat.length; i += 2) f[flat[i]] = flat[i + 1]
    if (f.kind === 'new-log') head = Number(f.base)
    if (f.kind !== 'events') continue
    const evs = JSON.parse(f.data) as { ev: { CallData: { callerId?: string; status: string } } }[]
    if (head !== null && Number(f.first) !== head + 1) gaps.push(`${head} → ${f.first}`)
    evs.forEach((e, i) => events.push({ seq: Number(f.first) + i, ...e.ev.CallData }))
    head = Number(f.first) + evs.length - 1
  }
  return { events, gaps }
}
