import { ExtensionColumn } from '../calls/extension-column.tsx'
import { HistoryPanel } from '../history/history-panel.tsx'
import { useAgent } from './agent-store.ts'
import { isMine, useMyExtensions } from './my-extensions.ts'
import { useDial } from './use-dial.ts'

/** The agent view: my extensions' columns first (marked "mine"), the watched ones, then my call history. */
export function AgentColumns({ extensions }: { extensions: readonly string[] }) {
  const mine = useMyExtensions()
  const dial = useDial()
  const redial = (number: string) => {
    useAgent.getState().dialInputChanged(number)
    dial(number)
  }
  return (
    <div className="flex flex-wrap items-start gap-3">
      {extensions.map((ext) => (
        <ExtensionColumn key={ext} ext={ext} mine={isMine(ext, mine)} />
      ))}
      {mine.length > 0 && <HistoryPanel onRedial={redial} />}
    </div>
  )
}
