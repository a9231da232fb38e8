// Alternates the tab title with a ringing message so a call shows on a background tab.
import { coverTitle } from '../../lib/page-title.ts'

const FLASH_MS = 1000

let timer: ReturnType<typeof setInterval> | undefined
let message = ''

export function flashTitle(text: string): void {
  message = text
  if (timer) return
  let on = true
  coverTitle(message)
  timer = setInterval(() => {
    on = !on
    coverTitle(on ? message : null)
  }, FLASH_MS)
}

export function stopFlashingTitle(): void {
  if (!timer) return
  clearInterval(timer)
  timer = undefined
  coverTitle(null)
}
