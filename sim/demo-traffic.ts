import type { PbxSimulator } from './pbx-simulator.ts'

const EXTERNAL = ['0298765432', '0412345678', '+61370001234', '1300555123', 'Anonymous']

/** Keeps calls arriving on the simulator so the panel has something to show out of the box. */
export function startDemoTraffic(
  sim: PbxSimulator,
  exts: string[],
  everyMs = 4000,
  random: () => number = Math.random,
): () => void {
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }
  const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]

  const scenario = () => {
    const ext = pick(exts)
    // Leave busy extensions alone so every card tells a readable story.
    if (sim.activeLegs(ext).length > 0) return
    const internal = random() < 0.3 && exts.length > 1
    const fromExt = internal ? pick(exts.filter((e) => e !== ext)) : undefined
    if (fromExt && sim.activeLegs(fromExt).length > 0) return
    const id = sim.ring({
      ext,
      fromExt,
      callerId: fromExt ?? pick(EXTERNAL),
      queue: !internal && random() < 0.35,
    })
    const roll = random()
    if (roll < 0.55) {
      // The other party (or a colleague's handset) picks up, talks, hangs up.
      later(4000 + random() * 6000, () => sim.connect(id, ext))
      later(14000 + random() * 15000, () => sim.setStatus(id, 'Hungup'))
    } else if (roll < 0.8) {
      later(12000 + random() * 6000, () => sim.setStatus(id, 'No Answer'))
    } else if (roll < 0.9) {
      later(3000, () => sim.setStatus(id, 'Busy'))
    } else {
      later(6000 + random() * 4000, () => sim.setStatus(id, 'Hungup'))
    }
  }

  later(800, scenario)
  const interval = setInterval(scenario, everyMs)
  return () => {
    clearInterval(interval)
    for (const t of timers) clearTimeout(t)
    timers.clear()
  }
}
