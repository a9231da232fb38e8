import { useSyncExternalStore } from 'react'

// One shared 1 s ticker for every live timer on screen, started only while something shows one.
let now = Date.now()
const listeners = new Set<() => void>()
let timer: ReturnType<typeof setInterval> | undefined

function subscribe(listener: () => void) {
  listeners.add(listener)
  if (!timer) {
    now = Date.now()
    timer = setInterval(() => {
      now = Date.now()
      for (const l of listeners) l()
    }, 1000)
  }
  return () => {
    listeners.delete(listener)
    if (listeners.size === 0) {
      clearInterval(timer)
      timer = undefined
    }
  }
}

const unsubscribed = () => () => {}

/** The shared clock, re-rendering each second; `ticking` false: read once, never re-rendered by it. */
export const useNow = (ticking = true) => useSyncExternalStore(ticking ? subscribe : unsubscribed, () => now)
