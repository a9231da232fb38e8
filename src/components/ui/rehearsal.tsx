import { useEffect, useState, type ReactNode } from 'react'
import { whenIdle } from '../../lib/next-task.ts'

/**
 * Renders `children` once, hidden, the first time the browser is idle after the view mounts, then
 * removes them. The first cards a fresh page ever shows cost about twice what every later one does
 * (the engine compiles the components' code and computes their styles and fonts for the first
 * time): a burst of calls into a freshly opened panel would pay that on the agent's screen. A
 * rehearsal pays it while nobody is waiting. Hidden from assistive technology and input, out of
 * view, no scrollbar; laid out like the real thing, in the same place in the document.
 */
export function Rehearsal({ children }: { children: ReactNode }) {
  const [stage, setStage] = useState<'waiting' | 'on' | 'done'>('waiting')
  useEffect(() => {
    if (stage === 'waiting') return whenIdle(() => setStage('on'))
    if (stage === 'on') {
      // Two frames: styled, laid out and painted once, then gone.
      let second = 0
      const first = requestAnimationFrame(() => (second = requestAnimationFrame(() => setStage('done'))))
      return () => {
        cancelAnimationFrame(first)
        cancelAnimationFrame(second)
      }
    }
  }, [stage])
  if (stage !== 'on') return null
  return (
    <div
      aria-hidden="true"
      inert
      data-rehearsal=""
      className="pointer-events-none fixed top-0 -left-[200vw] w-[100vw] overflow-hidden"
    >
      {children}
    </div>
  )
}
