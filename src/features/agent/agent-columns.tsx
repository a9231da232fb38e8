import { useDeferredValue, useEffect, useRef, useState } from 'react'
import { Rehearsal } from '../../components/ui/rehearsal.tsx'
import { WindowRows, windows, type WindowRowsHandle } from '../../components/ui/window-rows.tsx'
import { FindBox } from '../../components/ui/find-box.tsx'
import { useFilteredExtensions } from '../calls/extension-filter.ts'
import { extKey } from '../calls/call-model.ts'
import { COLUMN_REM, ColumnView, ExtensionColumn } from '../calls/extension-column.tsx'
import { SAMPLE_CALLS } from '../calls/sample-calls.ts'
import { HistoryPanel } from '../history/history-panel.tsx'
import { useAgent } from './agent-store.ts'
import { callActions, callBadges } from './call-actions.tsx'
import { isMine, useMyExtensions } from '../calls/my-extensions.ts'
import { registerReveal } from '../calls/reveal-extension.ts'
import { commands, useSend } from './commands.ts'

/** Space between columns and between rows of them. */
const GAP_REM = 0.75

/**
 * The agent view: my extensions' columns first (marked "mine"), then the watched ones (above a
 * hundred only the rows on screen rendered, and a find box); my call history beside or below them.
 */
export function AgentColumns({ extensions: all }: { extensions: readonly string[] }) {
  const [query, setQuery] = useState('')
  const extensions = useFilteredExtensions(all, useDeferredValue(query))
  const mine = useMyExtensions()
  const send = useSend()
  const rows = useRef<WindowRowsHandle>(null)
  const redial = (number: string) => {
    useAgent.getState().dialInputChanged(number)
    send(commands.dial(), number)
  }
  useEffect(
    () =>
      registerReveal((ext) => {
        const i = extensions.findIndex((e) => extKey(e) === extKey(ext))
        if (i < 0 || !rows.current) return false
        rows.current.scrollToItem(i)
        return true
      }),
    [extensions],
  )
  return (
    // Narrow (a side panel, a phone): one column, the calls first, history below them.
    <div className="flex flex-col gap-3 lg:flex-row lg:items-start">
      <div className="flex min-w-0 flex-1 flex-col gap-3">
        {windows(all.length) && (
          <FindBox query={query} onChange={setQuery} count={{ shown: extensions.length, of: all.length }} />
        )}
        <WindowRows
          items={extensions}
          itemRem={18}
          gapRem={GAP_REM}
          estimateRowRem={COLUMN_REM + GAP_REM}
          itemKey={(ext) => ext}
          renderItem={(ext, onScreen) => (
            <ExtensionColumn
              ext={ext}
              mine={isMine(ext, mine)}
              onScreen={onScreen}
              actions={callActions}
              badges={callBadges}
            />
          )}
          handle={rows}
        />
        <Rehearsal>
          <ColumnView ext="rehearsal" calls={SAMPLE_CALLS} actions={callActions} badges={callBadges} />
        </Rehearsal>
      </div>
      {mine.length > 0 && (
        <div className="shrink-0 lg:sticky lg:top-4">
          <HistoryPanel onRedial={redial} />
        </div>
      )}
    </div>
  )
}
