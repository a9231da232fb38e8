// What the agent's own actions are doing: dialling, hanging up, recording; plus the help dialog.
import { create } from 'zustand'
import { persist } from 'zustand/middleware'

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

/** The state a call's Record button shows: this tab's request, else a recording remembered from before. */
export const recordingOf = (
  s: Pick<AgentState, 'recordings' | 'recorded'>,
  id: string,
): Recording | undefined => s.recordings[id] ?? (s.recorded[id] ? 'on' : undefined)

export const useAgent = create<AgentState>()(
  persist(
    (set) => ({
      dialInput: '',
      dial: { state: 'idle' },
      hangups: {},
      recordings: {},
      recorded: {},
      recordErrors: {},
      helpOpen: false,
      helpRequests: 0,
      hint: '',

      dialInputChanged: (dialInput) => set({ dialInput }),
      dialChanged: (dial) => set({ dial }),
      hangupChanged: (id, state) =>
        set((s) => ({ hangups: state ? { ...s.hangups, [id]: state } : without(s.hangups, id) })),
      recordingChanged: (id, state, error, owner) =>
        set((s) => ({
          recordings: state ? { ...s.recordings, [id]: state } : without(s.recordings, id),
          recorded: owner
            ? { ...s.recorded, [id]: { owner, at: Date.now() } }
            : state
              ? s.recorded
              : without(s.recorded, id),
          recordErrors: error ? { ...s.recordErrors, [id]: error } : without(s.recordErrors, id),
        })),
      recordingsEnded: (ended) =>
        set((s) => {
          const gone = ended.filter((id) => id in s.recorded)
          if (!gone.length) return s
          const recorded = { ...s.recorded }
          for (const id of gone) delete recorded[id]
          return { recorded }
        }),
      helpToggled: (helpOpen) =>
        set((s) => ({ helpOpen, helpRequests: s.helpRequests + (helpOpen ? 1 : 0) })),
      hinted: (hint) => {
        clearTimeout(hintTimer)
        set({ hint })
        if (hint) hintTimer = setTimeout(() => set({ hint: '' }), HINT_MS)
      },
    }),
    {
      name: 'switchboard.recordings',
      version: 1,
      partialize: (s) => ({ recorded: s.recorded }),
      // What another tab or an earlier page stored, read defensively; old entries dropped.
      merge: (persisted, current) => {
        const p = ((persisted ?? {}) as { recorded?: unknown }).recorded
        const recorded: AgentState['recorded'] = { ...current.recorded }
        if (p && typeof p === 'object')
          for (const [id, v] of Object.entries(p as Record<string, unknown>)) {
            const r = v as { owner?: unknown; at?: unknown }
            if (
              r &&
              typeof r.owner === 'string' &&
              r.owner &&
              typeof r.at === 'number' &&
              Date.now() - r.at < RECORDED_MS &&
              !(id in recorded)
            )
              recorded[id] = { owner: r.owner, at: r.at }
          }
        return { ...current, recorded }
      },
    },
  ),
)
