// The Switchboard server's own JSON API beyond the PBX (history, reports, figures): one GET, its reply checked
// with a zod schema, a refusal thrown with the server's own sentence (`{ error, message }`).
import type { z } from 'zod/mini'
import { useSession } from './session-store.ts'

export class ServerError extends Error {
  readonly status: number
  /** The server's word (`forbidden`, `bad-request`, …), when it sent one. */
  readonly error?: string

  constructor(message: string, status: number, error?: string) {
    super(message)
    this.name = 'ServerError'
    this.status = status
    this.error = error
  }
}

export const isServerError = (e: unknown): e is ServerError => e instanceof ServerError

/** GET `path`, read as JSON and checked by `schema`; any failure is a ServerError with a sentence for the panel. */
export async function getJson<S extends z.ZodMiniType>(path: string, schema: S, signal?: AbortSignal) {
  let res: Response
  let body: unknown
  try {
    res = await fetch(path, { cache: 'no-store', credentials: 'same-origin', signal })
  } catch (cause) {
    if (signal?.aborted) throw cause
    throw new ServerError('Cannot reach the Switchboard server (network error)', 0)
  }
  try {
    body = await res.json()
  } catch {
    throw new ServerError(`The Switchboard server sent an unreadable reply (HTTP ${res.status})`, res.status)
  }
  if (!res.ok) {
    const said = body as { error?: unknown; message?: unknown } | null
    const word = typeof said?.error === 'string' ? said.error : undefined
    if (res.status === 401) useSession.getState().sessionEnded({ message: 'Your session has ended. Sign in again.' })
    throw new ServerError(
      typeof said?.message === 'string' ? said.message : `The Switchboard server answered HTTP ${res.status}`,
      res.status,
      word,
    )
  }
  const parsed = schema.safeParse(body)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ServerError(
      `The Switchboard server's reply has an unexpected shape (${issue.path.join('.') || 'root'}: ${issue.message})`,
      res.status,
    )
  }
  return parsed.data as z.output<S>
}
