// What the message line says about the agent's own actions: the latest action's word, and nothing stale.
// One state, moved by a pure `nextLine`: a new action replaces the line; an answer's line lasts until
// that answer settles (connected, ended, or failed); a note or an error lasts until the next action,
// or until it has been up a while.

/** How long a note (a keyboard hint) stays. */
export const NOTE_MS = 6000
/** How long a dial's error stays when nothing else is done. */
export const ERROR_MS = 20_000

export type AgentLine =
  | { kind: 'none' }
  /** A polite word (a keyboard hint), shown until `until`. */
  | { kind: 'note'; text: string; until: number }
  /** An answer under way from the keyboard: until it settles. `key`: the answer's command key. */
  | { kind: 'answering'; text: string; key: string }
  /** The latest dial: its progress, or its error until `until`. */
  | { kind: 'dial'; until: number }

export type LineInput =
  | { type: 'noted'; text: string; now: number }
  | { type: 'answering'; text: string; key: string }
  | { type: 'answerSettled'; key: string }
  /** A command was sent (`command`: its name, e.g. 'dial', 'hangup'). */
  | { type: 'sent'; command: string; now: number }

export const NO_LINE: AgentLine = { kind: 'none' }

export function nextLine(line: AgentLine, input: LineInput): AgentLine {
  switch (input.type) {
    case 'noted':
      return input.text ? { kind: 'note', text: input.text, until: input.now + NOTE_MS } : NO_LINE
    case 'answering':
      return { kind: 'answering', text: input.text, key: input.key }
    case 'answerSettled':
      return line.kind === 'answering' && line.key === input.key ? NO_LINE : line
    case 'sent':
      // The answer the line speaks of was just sent (its own keyboard shortcut): the line stays.
      if (line.kind === 'answering' && input.command === 'answer') return line
      return input.command === 'dial' ? { kind: 'dial', until: input.now + ERROR_MS } : NO_LINE
  }
}
