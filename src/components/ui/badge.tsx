import type { ReactNode } from 'react'

export function Badge({
  children,
  tone = 'slate',
}: {
  children: ReactNode
  tone?: 'slate' | 'violet' | 'sky' | 'red'
}) {
  const tones = {
    slate: 'bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100',
    violet: 'bg-violet-100 text-violet-900 dark:bg-violet-900 dark:text-violet-100',
    sky: 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100',
    red: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100',
  }
  return <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${tones[tone]}`}>{children}</span>
}
