// What the agent's own actions are doing: dialling, hanging up, recording; plus the help dialog.
import { create } from 'zustand'

export type DialState =
  | { state: 'idle' }
  | { state: 'sending'; number: string }
  | { state: 'sent'; number: string; from: string }
  | { state: 'error'; message: string }

export type Recording = 'starting' | 'on' | 'stopping'

interface AgentState {
  /** The dial box's text: tel: links and redial write it, the box edits it. */
  dialInput: string
  dial: DialState
  hangups: Record<string, 'sending' | { error: string }>
  /** Per uniqueCallId: recording is of the call, so both legs show it. */
  recordings: Record<string, Recording>
  /**
   * Per uniqueCallId, recordings started here and not stopped: the login name it started as (the
   * PBX checks it on stop) and when. Kept across a reload — the PBX never says which calls it
   * records, so without this a reload would lose the Stop button — until stopped, the call
   * ends, or 12 hours pass.
   */
  recorded: Record<string, { owner: string; at: number }>
  recordErrors: Record<string, string>
  helpOpen: boolean
  /** Counts requests to open it, so a request always reaches the dialog even if a close is in flight. */
  helpRequests: number
  /** A short, polite message for keyboard users (e.g. nothing to answer). */
  hint: string

  dialInputChanged: (text: string) => void
  dialChanged: (dial: DialState) => void
  /** The call a dial started is over (or never came): its message and number go. */
  dialledCallEnded: () => void
  hangupChanged: (id: string, state: 'sending' | { error: string } | null) => void
  /** `owner`: the login name a recording just started as (kept while it is on). */
  recordingChanged: (id: string, state: Recording | null, error?: string, owner?: string) => void
  /** Forget recordings of calls that have ended (`ended`: those uniqueCallIds). */
  recordingsEnded: (ended: readonly string[]) => void
  helpToggled: (open: boolean) => void
  hinted: (hint: string) => void
}

const without = <T>(rec: Record<string, T>, key: string) => {
  const copy = { ...rec }
  delete copy[key]
  return copy
}

/** How long a keyboard hint stays. */
const HINT_MS = 6000
let hintTimer: ReturnType<typeof setTimeout> | undefined

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

/** The state a call's Record button shows: this tab's request, else a recording remembered from before. */
export const recordingOf = (s: Pick<AgentState, 'recordings' | 'recorded'>, id: string): Recording | undefined =>
  s.recordings[id] ?? (s.recorded[id] ? 'on' : undefined)

export const useAgent = create<AgentState>()((set) => ({
  dialInput: '',
  dial: { state: 'idle' },
  hangups: {},
  recordings: {},
  recorded: readRecorded(),
  recordErrors: {},
  helpOpen: false,
  helpRequests: 0,
  hint: '',

  dialInputChanged: (dialInput) => set({ dialInput }),
  dialChanged: (dial) => set({ dial }),
  dialledCallEnded: () =>
    set((s) => {
      if (s.dial.state !== 'sent') return {}
      // The box keeps a number typed since: only the one dialled goes.
      const typed = s.dialInput.replace(/[^\d+*#]/g, '')
      return { dial: { state: 'idle' }, dialInput: typed === s.dial.number ? '' : s.dialInput }
    }),
  hangupChanged: (id, state) =>
    set((s) => ({ hangups: state ? { ...s.hangups, [id]: state } : without(s.hangups, id) })),
  recordingChanged: (id, state, error, owner) => {
    // Started (an owner): remembered; stopped or never started: forgotten; else unchanged.
    const at = Date.now()
    const change = owner
      ? (r: Recorded) => ({ ...r, [id]: { owner, at } })
      : state
        ? null
        : (r: Recorded) => without(r, id)
    if (change) storeRecorded(change)
    set((s) => ({
      recordings: state ? { ...s.recordings, [id]: state } : without(s.recordings, id),
      recorded: change ? change(s.recorded) : s.recorded,
      recordErrors: error ? { ...s.recordErrors, [id]: error } : without(s.recordErrors, id),
    }))
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
  hinted: (hint) => {
    clearTimeout(hintTimer)
    set({ hint })
    if (hint) hintTimer = setTimeout(() => set({ hint: '' }), HINT_MS)
  },
}))

// Another tab started or stopped a recording: this one's Record buttons follow.
if (typeof window !== 'undefined')
  window.addEventListener('storage', (e) => {
    if (e.key === RECORDED_KEY || e.key === null) useAgent.setState({ recorded: readRecorded() })
  })
