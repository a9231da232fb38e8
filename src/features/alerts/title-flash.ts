// Alternates the tab title with a ringing message so a call shows on a background tab.
const FLASH_MS = 1000

let timer: ReturnType<typeof setInterval> | undefined
let original = ''
let message = ''

export function flashTitle(text: string): void {
  message = text
  if (timer) return
  original = document.title
  let on = true
  document.title = message
  timer = setInterval(() => {
    on = !on
    document.title = on ? message : original
  }, FLASH_MS)
}

export function stopFlashingTitle(): void {
  if (!timer) return
  clearInterval(timer)
  timer = undefined
  document.title = original
}
