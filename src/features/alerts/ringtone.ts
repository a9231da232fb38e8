// The ringtone, synthesised with Web Audio (no file to ship). Browsers keep an AudioContext
// suspended until a user gesture, so it is created and resumed from a click.
import { create } from 'zustand'

export type ContextState = 'none' | AudioContextState

interface AudioStatus {
  /** The AudioContext's own state: only `running` makes sound. */
  context: ContextState
  ringtone: 'playing' | 'stopped'
}

export const useAudioStatus = create<AudioStatus>()(() => ({ context: 'none', ringtone: 'stopped' }))

let ctx: AudioContext | null = null
let tone: { oscillators: OscillatorNode[]; master: GainNode; timer: ReturnType<typeof setInterval> } | null = null

/** UK-style double ring: 0.4 s on, 0.2 s off, 0.4 s on, then silence, every 3 s. */
const CADENCE_MS = 3000
const BURSTS: [number, number][] = [
  [0, 0.4],
  [0.6, 1.0],
]

/** Create (once) and resume the AudioContext. Call from a user gesture. */
export async function unlockAudio(): Promise<boolean> {
  if (typeof AudioContext === 'undefined') return false
  if (!ctx) {
    ctx = new AudioContext()
    const c = ctx
    c.addEventListener('statechange', () => useAudioStatus.setState({ context: c.state }))
    useAudioStatus.setState({ context: c.state })
  }
  try {
    await ctx.resume()
  } catch {
    // Still locked (no gesture): the state says so.
  }
  useAudioStatus.setState({ context: ctx.state })
  return ctx.state === 'running'
}

export const audioReady = () => ctx?.state === 'running'

function scheduleBursts(gate: GainNode, from: number) {
  for (const [on, off] of BURSTS) {
    gate.gain.setTargetAtTime(1, from + on, 0.01)
    gate.gain.setTargetAtTime(0, from + off, 0.01)
  }
}

/** Start ringing (or just follow the volume if already ringing). False when audio is locked. */
export function startRingtone(volume: number): boolean {
  if (!ctx || ctx.state !== 'running') {
    stopRingtone()
    return false
  }
  if (tone) {
    tone.master.gain.setTargetAtTime(volume * 0.25, ctx.currentTime, 0.02)
    return true
  }
  const c = ctx
  const master = c.createGain()
  master.gain.value = volume * 0.25
  master.connect(c.destination)
  const gate = c.createGain()
  gate.gain.value = 0
  gate.connect(master)
  const oscillators = [400, 450].map((hz) => {
    const o = c.createOscillator()
    o.frequency.value = hz
    o.connect(gate)
    o.start()
    return o
  })
  scheduleBursts(gate, c.currentTime)
  const timer = setInterval(() => scheduleBursts(gate, c.currentTime), CADENCE_MS)
  tone = { oscillators, master, timer }
  useAudioStatus.setState({ ringtone: 'playing' })
  return true
}

export function stopRingtone(): void {
  if (!tone) return
  clearInterval(tone.timer)
  for (const o of tone.oscillators) o.stop()
  tone.master.disconnect()
  tone = null
  useAudioStatus.setState({ ringtone: 'stopped' })
}
