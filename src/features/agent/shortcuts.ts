export type ShortcutAction = 'answer' | 'dial' | 'help'

export const SHORTCUTS: readonly { keys: string[]; action: ShortcutAction; description: string }[] = [
  { keys: ['A', 'Alt+A'], action: 'answer', description: 'Answer the call that has rung longest on my extensions' },
  { keys: ['D'], action: 'dial', description: 'Go to the dial box' },
  { keys: ['?'], action: 'help', description: 'Show these shortcuts' },
  { keys: ['Esc'], action: 'help', description: 'Close this list' },
]

interface KeyLike {
  key: string
  code: string
  altKey: boolean
  ctrlKey: boolean
  metaKey: boolean
  repeat: boolean
  target: EventTarget | null
}

const TEXT_INPUT_TYPES = new Set(['text', 'search', 'tel', 'url', 'email', 'password', 'number', 'date', 'time'])

/** Where a plain letter is text, not a command. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false
  const el = target as HTMLElement
  if (el.isContentEditable) return true
  const tag = el.tagName.toLowerCase()
  if (tag === 'textarea' || tag === 'select') return true
  return tag === 'input' && TEXT_INPUT_TYPES.has(((el as HTMLInputElement).type || 'text').toLowerCase())
}

/**
 * `a` (outside text fields) or Alt+A (anywhere; `code`, since Alt+A types "å" on a Mac) answers;
 * `d` goes to the dial box; `?` lists the shortcuts. Held keys never repeat an action.
 */
export function shortcutFor(e: KeyLike): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.repeat) return null
  if (e.altKey) return e.code === 'KeyA' ? 'answer' : null
  if (isTypingTarget(e.target)) return null
  if (e.key === 'a' || e.key === 'A') return 'answer'
  if (e.key === 'd' || e.key === 'D') return 'dial'
  if (e.key === '?') return 'help'
  return null
}
