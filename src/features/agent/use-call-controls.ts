import { useMutation } from '@tanstack/react-query'
import { hangup, startRecording, stopRecording } from '../pbx/pbx-client.ts'
import { recordDiag } from '../calls/diagnostics-store.ts'
import { describeError, friendlyError } from '../pbx/pbx-error.ts'
import { useSettings } from '../settings/settings-store.ts'
import { recordingOf, useAgent } from './agent-store.ts'

/** Hang up by uniqueCallId (by extension the wrong call may go). Confirmed by the Hungup event. */
export function useHangup() {
  const { mutate } = useMutation({
    mutationFn: (id: string) => hangup({ extenOrUniqueId: id }),
    retry: false,
    onSuccess: (_r, id) => useAgent.getState().hangupChanged(id, null),
    onError: (e, id) => {
      recordDiag('info', `hang up ${id} failed: ${describeError(e)}`)
      useAgent.getState().hangupChanged(id, { error: friendlyError(e, 'hangup') })
    },
  })
  return (id: string) => {
    if (useAgent.getState().hangups[id] === 'sending') return
    useAgent.getState().hangupChanged(id, 'sending')
    mutate(id)
  }
}

/**
 * Start or stop recording a call, owned by the agent login name from Settings; stopped as the
 * name it was started as (the PBX checks the owner), even if Settings changed meanwhile.
 */
export function useRecording() {
  const { mutate } = useMutation({
    mutationFn: ({ id, start, agentLoginName }: { id: string; start: boolean; agentLoginName: string }) =>
      start
        ? startRecording({ extenOrUniqueId: id, agentLoginName, tag: 'switchboard' })
        : stopRecording({ extenOrUniqueId: id, agentLoginName }),
    retry: false,
    onSuccess: (_r, { id, start, agentLoginName }) =>
      useAgent.getState().recordingChanged(id, start ? 'on' : null, undefined, start ? agentLoginName : undefined),
    onError: (e, { id, start }) => {
      recordDiag('info', `${start ? 'start' : 'stop'} recording ${id} failed: ${describeError(e)}`)
      useAgent.getState().recordingChanged(id, start ? null : 'on', friendlyError(e, 'record'))
    },
  })
  return (id: string) => {
    const agent = useAgent.getState()
    const now = recordingOf(agent, id)
    if (now === 'starting' || now === 'stopping') return
    const agentLoginName =
      (now === 'on' ? agent.recorded[id]?.owner : undefined) ?? useSettings.getState().agentLoginName.trim()
    if (!agentLoginName) {
      agent.recordingChanged(id, now ?? null, 'Set your agent login name in Settings before recording.')
      return
    }
    const start = now !== 'on'
    agent.recordingChanged(id, start ? 'starting' : 'stopping')
    mutate({ id, start, agentLoginName })
  }
}
