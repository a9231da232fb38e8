import { useEffect, useRef } from 'react'
import { Rehearsal } from '../../components/ui/rehearsal.tsx'
import { WindowRows, type WindowRowsHandle } from '../../components/ui/window-rows.tsx'
import { extKey } from '../calls/call-model.ts'
import { COLUMN_MIN_REM, ColumnView, ExtensionColumn } from '../calls/extension-column.tsx'
import { SAMPLE_CALLS } from '../calls/sample-calls.ts'
import { HistoryPanel } from '../history/history-panel.tsx'
import { useAgent } from './agent-store.ts'
import { callActions } from './call-actions.tsx'
import { isMine, useMyExtensions } from '../calls/my-extensions.ts'
import { registerReveal } from '../calls/reveal-extension.ts'
import { commands, useSend } from './commands.ts'

/** Space between columns and between rows of them. */
const GAP_REM = 0.75

/**
 * The agent view: my extensions' columns first (marked "mine"), then the watched ones, only the
 * rows on screen rendered; my call history beside them.
 */
export function AgentColumns({ extensions }: { extensions: readonly string[] }) {
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
    <div className="flex items-start gap-3">
      <div className="min-w-0 flex-1">
        <WindowRows
          items={extensions}
          itemRem={18}
          gapRem={GAP_REM}
          estimateRowRem={COLUMN_MIN_REM + GAP_REM}
          itemKey={(ext) => ext}
          renderItem={(ext, onScreen) => (
            <ExtensionColumn ext={ext} mine={isMine(ext, mine)} onScreen={onScreen} actions={callActions} />
          )}
          handle={rows}
        />
        <Rehearsal>
          <ColumnView ext="rehearsal" calls={SAMPLE_CALLS} actions={callActions} />
        </Rehearsal>
      </div>
      {mine.length > 0 && (
        <div className="sticky top-4 shrink-0">
          <HistoryPanel onRedial={redial} />
        </div>
      )}
    </div>
  )
}
