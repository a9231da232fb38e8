// Yielding to the browser between slices of a long job, so no single task blocks input or paint.

interface Scheduler {
  postTask?: (f: () => void, options: { priority: 'user-blocking' | 'user-visible' | 'background' }) => Promise<unknown>
  yield?: () => Promise<void>
}
const scheduler = () => (globalThis as { scheduler?: Scheduler }).scheduler

/** A MessageChannel task: no setTimeout 4 ms clamp once nested (as React's own scheduler). */
const messageTask: (f: () => void) => void = (() => {
  if (typeof MessageChannel === 'undefined') return (f: () => void) => void setTimeout(f, 0)
  const queue: (() => void)[] = []
  const channel = new MessageChannel()
  channel.port1.onmessage = () => queue.shift()?.()
  // Node (unit tests): an open port must not keep the process alive.
  ;(channel.port1 as { unref?: () => void }).unref?.()
  return (f: () => void) => {
    queue.push(f)
    channel.port2.postMessage(null)
  }
})()

/**
 * Runs `f` in a new task: by default what the user is waiting to see, so ahead of ordinary tasks
 * where the browser can prioritise (scheduler.postTask), else as soon as a message task can.
 * `user-visible`: after any waiting user-blocking task (where the browser can tell).
 */
export function nextTask(f: () => void, priority: 'user-blocking' | 'user-visible' = 'user-blocking'): void {
  const s = scheduler()
  if (s?.postTask) void s.postTask(f, { priority })
  else messageTask(f)
}

/** Lets the browser handle input and paint, then continues (ahead of other tasks where supported). */
export const yieldToMain = (): Promise<void> => {
  const s = scheduler()
  return s?.yield ? s.yield() : new Promise((resolve) => messageTask(resolve))
}

/**
 * Runs `f` in a task after the browser has produced its next frame (what is in the DOM now is
 * then on screen). Hidden pages produce no frames: after `fallbackMs` it runs anyway.
 */
export function afterNextFrame(f: () => void, fallbackMs = 100): void {
  let done = false
  const run = () => {
    if (done) return
    done = true
    clearTimeout(timer)
    f()
  }
  const timer = setTimeout(run, fallbackMs)
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => nextTask(run))
}

type Idle = (f: () => void, options: { timeout: number }) => number

/** Runs `f` when the browser is next idle (at most `timeoutMs` later); returns the cancel. */
export function whenIdle(f: () => void, timeoutMs = 2000): () => void {
  const g = globalThis as { requestIdleCallback?: Idle; cancelIdleCallback?: (id: number) => void }
  if (g.requestIdleCallback && g.cancelIdleCallback) {
    const id = g.requestIdleCallback(f, { timeout: timeoutMs })
    return () => g.cancelIdleCallback?.(id)
  }
  const id = setTimeout(f, 200)
  return () => clearTimeout(id)
}
