// The agent's own tools: the dial box's text, recordings started here, the help dialog, hints.
import { create } from 'zustand'
import { NO_LINE, nextLine, type AgentLine, type LineInput } from './message-model.ts'

interface AgentState {
  /** The dial box's text: tel: links and redial write it, the box edits it. */
  dialInput: string
  /**
   * Per uniqueCallId, recordings started here and not stopped: the login name it started as (the
   * PBX checks it on stop) and when. Kept across a reload — the PBX never says which calls it
   * records, so without this a reload would lose the Stop button — until stopped, the call
   * ends, or 12 hours pass.
   */
  recorded: Record<string, { owner: string; at: number }>
  helpOpen: boolean
  /** Counts requests to open it, so a request always reaches the dialog even if a close is in flight. */
  helpRequests: number
  /** What the message line says about my latest action (see message-model.ts). */
  line: AgentLine

  dialInputChanged: (text: string) => void
  /** The dial sent at `submittedAt` has had its call end (or never saw one): its message and number go. */
  dialledCallEnded: (submittedAt: number, number: string) => void
  /** The dial run whose call has ended (its `submittedAt`): its "Calling …" no longer shows. */
  dialOverAt: number
  /** Per uniqueCallId (recording is of the call, so both legs show it); `owner`: the login name it started as. */
  recordingStarted: (id: string, owner: string) => void
  recordingStopped: (id: string) => void
  /** Forget recordings of calls that have ended (`ended`: those uniqueCallIds). */
  recordingsEnded: (ended: readonly string[]) => void
  helpToggled: (open: boolean) => void
  /** Something happened that the message line speaks of (a note, an answer, a command sent). */
  lineEvent: (input: LineInput) => void
}

const without = <T>(rec: Record<string, T>, key: string) => {
  const copy = { ...rec }
  delete copy[key]
  return copy
}

/** How long a recording started here is remembered at most. */
const RECORDED_MS = 12 * 3600_000
const RECORDED_KEY = 'switchboard.recordings'
type Recorded = AgentState['recorded']

/** What this browser stored, read defensively; entries older than 12 hours dropped. */
function readRecorded(): Recorded {
  const out: Recorded = {}
  try {
    const p = (JSON.parse(localStorage.getItem(RECORDED_KEY) ?? '{}') as { recorded?: unknown }).recorded
    if (p && typeof p === 'object')
      for (const [id, v] of Object.entries(p as Record<string, unknown>)) {
        const r = v as { owner?: unknown; at?: unknown } | null
        if (r && typeof r.owner === 'string' && r.owner && typeof r.at === 'number' && Date.now() - r.at < RECORDED_MS)
          out[id] = { owner: r.owner, at: r.at }
      }
  } catch {
    // No storage, or not ours to read: nothing remembered.
  }
  return out
}

/** One entry changed in what is stored, read fresh first: other tabs write it too. */
function storeRecorded(change: (stored: Recorded) => Recorded): void {
  try {
    localStorage.setItem(RECORDED_KEY, JSON.stringify({ recorded: change(readRecorded()) }))
  } catch {
    // Storage full or blocked: remembered in this page only.
  }
}

export const useAgent = create<AgentState>()((set) => ({
  dialInput: '',
  recorded: readRecorded(),
  helpOpen: false,
  helpRequests: 0,
  line: NO_LINE,

  dialInputChanged: (dialInput) => set({ dialInput }),
  dialOverAt: 0,
  dialledCallEnded: (submittedAt, number) =>
    set((s) => ({
      dialOverAt: submittedAt,
      // The box keeps a number typed since: only the one dialled goes.
      dialInput: s.dialInput.replace(/[^\d+*#]/g, '') === number ? '' : s.dialInput,
    })),
  recordingStarted: (id, owner) => {
    const add = (r: Recorded) => ({ ...r, [id]: { owner, at: Date.now() } })
    storeRecorded(add)
    set((s) => ({ recorded: add(s.recorded) }))
  },
  recordingStopped: (id) => {
    const drop = (r: Recorded) => without(r, id)
    storeRecorded(drop)
    set((s) => ({ recorded: drop(s.recorded) }))
  },
  recordingsEnded: (ended) => {
    const gone = ended.filter((id) => id in useAgent.getState().recorded)
    if (!gone.length) return
    const drop = (r: Recorded) => {
      const kept = { ...r }
      for (const id of gone) delete kept[id]
      return kept
    }
    storeRecorded(drop)
    set((s) => ({ recorded: drop(s.recorded) }))
  },
  helpToggled: (helpOpen) => set((s) => ({ helpOpen, helpRequests: s.helpRequests + (helpOpen ? 1 : 0) })),
  lineEvent: (input) => set((s) => ({ line: nextLine(s.line, input) })),
}))

// Another tab started or stopped a recording: this one's Record buttons follow.
if (typeof window !== 'undefined')
  window.addEventListener('storage', (e) => {
    if (e.key === RECORDED_KEY || e.key === null) useAgent.setState({ recorded: readRecorded() })
  })
