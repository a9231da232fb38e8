// Password checks at once: scrypt takes ~50-100 ms of a libuv thread and 32 MiB each, so a burst of them
// starves every other sign-in and the threads the rest of the server needs. A few run, a few wait (first
// come, first served), the rest are refused at once; one address holds at most `perKey` of the places, and an
// address holding none is let in ahead of the greediest one's last waiter, so bursts leave room for everyone.

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
  private readonly waiters: { key: string; admit: (ok: boolean) => void }[] = []
  private readonly held = new Map<string, number>()

  constructor(private readonly o: HashQueueOptions = DEFAULT_HASH_QUEUE) {}

  /** Runs `job` when a place is free, or refuses at once (the job not run) when this key's share or the queue is full. */
  async run<T>(key: string, job: () => Promise<T>): Promise<Admission<T>> {
    const mine = this.held.get(key) ?? 0
    if (mine >= this.o.perKey) return { ok: false, why: 'address' }
    if (this.active >= this.o.running && this.waiters.length >= this.o.waiting && !(mine === 0 && this.evict()))
      return { ok: false, why: 'busy' }
    this.held.set(key, mine + 1)
    try {
      if (this.active >= this.o.running) {
        const admitted = await new Promise<boolean>((admit) => this.waiters.push({ key, admit }))
        if (!admitted) return { ok: false, why: 'busy' }
      } else this.active++
      try {
        return { ok: true, value: await job() }
      } finally {
        // The place passes straight to the next waiter (active stays the same), or frees.
        const next = this.waiters.shift()
        if (next) next.admit(true)
        else this.active--
      }
    } finally {
      const left = (this.held.get(key) ?? 1) - 1
      if (left) this.held.set(key, left)
      else this.held.delete(key)
    }
  }

  /**
   * The queue is full and a key with no place asks: the last waiter of the key holding the most places (more
   * than one) is refused to make room, so many addresses bursting at once cannot shut a newcomer out either.
   */
  private evict(): boolean {
    let at = -1
    let most = 1
    this.waiters.forEach((w, i) => {
      const n = this.held.get(w.key) ?? 0
      if (n >= most) [at, most] = [i, n]
    })
    if (at < 0) return false
    this.waiters.splice(at, 1)[0].admit(false)
    return true
  }
}
