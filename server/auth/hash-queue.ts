// Password checks at once: scrypt takes ~50-100 ms of a libuv thread and 32 MiB each, so a burst of them
// starves every other sign-in and the threads the rest of the server needs. A few run, a few wait (first
// come, first served), the rest are refused at once; one address holds at most `perKey` of the places, so
// its burst leaves room for everyone else.

export interface HashQueueOptions {
  /** Checks running at once. */
  running: number
  /** Checks waiting for a place. */
  waiting: number
  /** Places (running or waiting) one key — an address — may hold. */
  perKey: number
}

export const DEFAULT_HASH_QUEUE: HashQueueOptions = { running: 2, waiting: 16, perKey: 4 }

export type Admission<T> = { ok: true; value: T } | { ok: false; why: 'address' | 'busy' }

export class HashQueue {
  private active = 0
  private readonly waiters: (() => void)[] = []
  private readonly held = new Map<string, number>()

  constructor(private readonly o: HashQueueOptions = DEFAULT_HASH_QUEUE) {}

  /** Runs `job` when a place is free, or refuses at once (the job not run) when this key's share or the queue is full. */
  async run<T>(key: string, job: () => Promise<T>): Promise<Admission<T>> {
    const mine = this.held.get(key) ?? 0
    if (mine >= this.o.perKey) return { ok: false, why: 'address' }
    if (this.active >= this.o.running && this.waiters.length >= this.o.waiting) return { ok: false, why: 'busy' }
    this.held.set(key, mine + 1)
    try {
      if (this.active >= this.o.running) await new Promise<void>((resolve) => this.waiters.push(resolve))
      else this.active++
      try {
        return { ok: true, value: await job() }
      } finally {
        // The place passes straight to the next waiter (active stays the same), or frees.
        const next = this.waiters.shift()
        if (next) next()
        else this.active--
      }
    } finally {
      const left = (this.held.get(key) ?? 1) - 1
      if (left) this.held.set(key, left)
      else this.held.delete(key)
    }
  }
}
