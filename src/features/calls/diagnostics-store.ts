import { create } from 'zustand'

export interface DiagEntry {
  at: number
  type: 'request' | 'reply' | 'fault' | 'resync' | 'answer' | 'info'
  text: string
}

const LIMIT = 500

interface DiagnosticsState {
  entries: DiagEntry[]
  recorded: (type: DiagEntry['type'], text: string) => void
  cleared: () => void
}

/** The last ~500 feed events, for the diagnostics panel and the support download. */
export const useDiagnostics = create<DiagnosticsState>()((set) => ({
  entries: [],
  recorded: (type, text) =>
    set((s) => {
      const entries = s.entries.length >= LIMIT ? s.entries.slice(s.entries.length - LIMIT + 1) : s.entries.slice()
      entries.push({ at: Date.now(), type, text })
      return { entries }
    }),
  cleared: () => set({ entries: [] }),
}))

export const recordDiag = (type: DiagEntry['type'], text: string) => useDiagnostics.getState().recorded(type, text)
