// Answer, Hang up, Record and Dial: each a mutation keyed by what it acts on, sent by `useSend` and read
// by `useCommandState` wherever it shows (a card, the dial box), so a remounted card still knows.
import { useCallback } from 'react'
import {
  mutationOptions,
  useMutationState,
  useQueryClient,
  type MutationOptions,
  type MutationState,
} from '@tanstack/react-query'
import { answer, dial, hangup, startRecording, stopRecording } from '../pbx/pbx-client.ts'
import { describeError, friendlyError, type Command } from '../pbx/pbx-error.ts'
import { withTech } from '../pbx/extension.ts'
import { HANDSETS } from '../pbx/handsets.ts'
import { useSettings } from '../settings/settings-store.ts'
import { answerKey, extKey, type Call } from '../calls/call-model.ts'
import { recordDiag } from '../calls/diagnostics-store.ts'
import { useFeed } from '../calls/feed-store.ts'
import { useAgent } from './agent-store.ts'
import { parseDialNumber } from './dial.ts'

/** If no Connected event follows an accepted answer within this time, say so and re-enable. */
export const ANSWER_CONFIRM_MS = 15_000

const callIn = (ext: string, id: string) => useFeed.getState().model.byExt[extKey(ext)]?.find((c) => c.id === id)

/** Resolves once the offer `key` stops ringing (connected, ended, gone); rejects if it still rings at the deadline. */
function confirmed(ext: string, id: string, key: string): Promise<void> {
  const ringing = () => {
    const c = callIn(ext, id)
    return !!c && c.endedAt === undefined && c.status === 'Ringing' && answerKey(c) === key
  }
  return new Promise((resolve, reject) => {
    if (!ringing()) return resolve()
    const done = (error?: Error) => {
      clearTimeout(timer)
      off()
      if (error) reject(error)
      else resolve()
    }
    const off = useFeed.subscribe((s, prev) => s.model !== prev.model && !ringing() && done())
    const timer = setTimeout(
      () =>
        done(
          new Error('The PBX accepted the answer but the call did not connect. Check the handset type in Settings.'),
        ),
      ANSWER_CONFIRM_MS,
    )
  })
}

export const commands = {
  /** Sent once per click, never retried; pending until a Connected event (or the offer ends). */
  answer: (call: Pick<Call, 'ext' | 'id' | 'firstSeenAt'>) =>
    mutationOptions({
      mutationKey: ['answer', answerKey(call)],
      mutationFn: async () => {
        const { ext, id } = call
        const now = callIn(ext, id)
        if (now && now.status !== 'Ringing')
          throw new Error(now.status === 'Connected' ? 'Already answered elsewhere' : 'This call is no longer ringing')
        try {
          await answer({
            uniqueId: id,
            exten: ext,
            answerString: HANDSETS[useSettings.getState().handset].answerString,
          })
        } catch (error) {
          recordDiag('answer', `answer ${id} on ${ext} failed: ${describeError(error)}`)
          throw error
        }
        recordDiag('answer', `answer ${id} on ${ext}: accepted`)
        await confirmed(ext, id, answerKey(call))
      },
      onSettled: () => useAgent.getState().lineEvent({ type: 'answerSettled', key: answerKey(call) }),
    }),

  /** By uniqueCallId (by extension the wrong call may go); the Hungup event confirms it. */
  hangup: (id: string) =>
    mutationOptions({
      mutationKey: ['hangup', id],
      mutationFn: () => hangup({ extenOrUniqueId: id }),
      onError: (e) => recordDiag('info', `hang up ${id} failed: ${describeError(e)}`),
    }),

  /** Started as the agent login name in Settings; stopped as the name it started as (the PBX checks the owner). */
  record: (id: string) =>
    mutationOptions({
      mutationKey: ['record', id],
      mutationFn: async (start: boolean) => {
        const owner = useAgent.getState().recorded[id]?.owner ?? useSettings.getState().agentLoginName.trim()
        if (!owner) throw new Error('Set your agent login name in Settings before recording.')
        if (start) await startRecording({ extenOrUniqueId: id, agentLoginName: owner, tag: 'switchboard' })
        else await stopRecording({ extenOrUniqueId: id, agentLoginName: owner })
        return owner
      },
      onSuccess: (owner, start) =>
        start ? useAgent.getState().recordingStarted(id, owner) : useAgent.getState().recordingStopped(id),
      onError: (e, start) =>
        recordDiag('info', `${start ? 'start' : 'stop'} recording ${id} failed: ${describeError(e)}`),
    }),

  /** Click-to-dial from my first extension; the handset answers itself via the auto-answer header. */
  dial: () =>
    mutationOptions({
      mutationKey: ['dial'],
      mutationFn: async (raw: string) => {
        const from = useSettings.getState().myExtensions[0]
        if (!from) throw new Error('Set your own extension (My extensions, in Settings) to dial from.')
        const parsed = parseDialNumber(raw)
        if (!parsed.ok) throw new Error(parsed.error)
        const { number } = parsed
        // As the vendor's own client does: the number dialled is the caller ID and caption on the first leg.
        await dial({
          number,
          extenOrUniqueId: withTech(from),
          callerId: number,
          autoAnswer: HANDSETS[useSettings.getState().handset].answerString,
          monitored: 'yes',
          phoneCaption: number,
        })
        return { number, from }
      },
      onError: (e, raw) => recordDiag('info', `dial ${raw} failed: ${describeError(e)}`),
    }),
}

/** Sends a command unless the same one (same key) is still under way: a double click sends once. */
export function useSend() {
  const client = useQueryClient()
  return useCallback(
    <TData, TVars>(options: MutationOptions<TData, Error, TVars>, vars: TVars): void => {
      if (client.isMutating({ mutationKey: options.mutationKey, exact: true })) return
      // A new action: what the message line said about the last one gives way.
      useAgent.getState().lineEvent({ type: 'sent', command: String(options.mutationKey?.[0]), now: Date.now() })
      // Failures are state (read with useCommandState), not exceptions.
      client
        .getMutationCache()
        .build(client, options)
        .execute(vars)
        .catch(() => {})
    },
    [client],
  )
}

/** The latest run of a command, or undefined if it was never sent (or long forgotten). */
export function useCommandState<TData, TVars>(options: MutationOptions<TData, Error, TVars>) {
  const runs = useMutationState({
    filters: { mutationKey: options.mutationKey, exact: true },
    select: (m) => m.state as MutationState<TData, Error, TVars>,
  })
  return runs.at(-1)
}

/** What a failed command says to the agent: what it means, not the PBX's words (those are in Diagnostics). */
export const commandError = (state: MutationState<unknown, Error, unknown> | undefined, command: Command) =>
  state?.status === 'error' ? friendlyError(state.error, command) : undefined
