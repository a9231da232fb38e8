import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, type ReactNode } from 'react'
import { ExtensionExtra } from '../../components/ui/extension-extra.tsx'
import { catchUpInterval, lastEnded, onCallEnded } from '../calls/call-ends.ts'
import { extKey } from '../calls/call-model.ts'
import { useFeed } from '../calls/feed-store.ts'
import { figureQueries } from './reports-api.ts'

const NONE = { answered: 0, missed: 0 }
const figuresOf = (ext: string) => <ExtensionFigures ext={ext} />

/** Today's answered and missed calls on one extension, beside its live state; nothing until they are known. */
export function ExtensionFigures({ ext }: { ext: string }) {
  const { data } = useQuery({ ...figureQueries.today(), select: (d) => d.figures[extKey(ext)] ?? NONE })
  if (!data) return null
  const words = `Today ${data.answered} answered, ${data.missed} missed`
  return (
    <span data-figures={ext} title={words} className="shrink-0 tabular-nums whitespace-nowrap">
      <span aria-hidden="true">
        ✓{data.answered} ✕{data.missed}
      </span>
      <span className="sr-only">{words}</span>
    </span>
  )
}

/**
 * Today's figures in every tile below: fetched once for all, again as soon as any call ends (and once more
 * while its record may still be on its way), never on a timer.
 */
export function LiveFigures({ children }: { children: ReactNode }) {
  const client = useQueryClient()
  useQuery({
    ...figureQueries.today(),
    refetchInterval: (q) => catchUpInterval(lastEnded(useFeed.getState().model, null), q.state.dataUpdatedAt),
  })
  useEffect(
    () =>
      onCallEnded(
        () => null,
        () => void client.invalidateQueries({ queryKey: figureQueries.all() }),
      ),
    [client],
  )
  return <ExtensionExtra.Provider value={figuresOf}>{children}</ExtensionExtra.Provider>
}
