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
  /** Per uniqueCallId: the login name a recording was started as; the PBX checks it on stop. */
  recordingOwners: Record<string, string>
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
  helpToggled: (open: boolean) => void
  hinted: (hint: string) => void
}

const without = <T,>(rec: Record<string, T>, key: string) => {
  const copy = { ...rec }
  delete copy[key]
  return copy
}

/** How long a keyboard hint stays. */
const HINT_MS = 6000
let hintTimer: ReturnType<typeof setTimeout> | undefined

export const useAgent = create<AgentState>()((set) => ({
  dialInput: '',
  dial: { state: 'idle' },
  hangups: {},
  recordings: {},
  recordingOwners: {},
  recordErrors: {},
  helpOpen: false,
  helpRequests: 0,
  hint: '',

  dialInputChanged: (dialInput) => set({ dialInput }),
  dialChanged: (dial) => set({ dial }),
  hangupChanged: (id, state) => set((s) => ({ hangups: state ? { ...s.hangups, [id]: state } : without(s.hangups, id) })),
  recordingChanged: (id, state, error, owner) =>
    set((s) => ({
      recordings: state ? { ...s.recordings, [id]: state } : without(s.recordings, id),
      recordingOwners: owner ? { ...s.recordingOwners, [id]: owner } : state ? s.recordingOwners : without(s.recordingOwners, id),
      recordErrors: error ? { ...s.recordErrors, [id]: error } : without(s.recordErrors, id),
    })),
  helpToggled: (helpOpen) => set((s) => ({ helpOpen, helpRequests: s.helpRequests + (helpOpen ? 1 : 0) })),
  hinted: (hint) => {
    clearTimeout(hintTimer)
    set({ hint })
    if (hint) hintTimer = setTimeout(() => set({ hint: '' }), HINT_MS)
  },
}))
