// The only module that talks HTTP to the PBX: through the Switchboard server's /api/pbx/<method>, which checks
// the user's rights and adds the API key (docs/architecture.md).
import type { z } from 'zod/mini'
import { yieldToMain } from '../../lib/next-task.ts'
import { SWITCHBOARD_HEADER } from '../session/session-api.ts'
import { useSession } from '../session/session-store.ts'
import { PbxError } from './pbx-error.ts'
import { extKey } from './extension.ts'
import {
  actionReplySchema,
  envelopeSchema,
  parseEvent,
  rawEventsOf,
  subscribeSchema,
  type ActionReply,
  type CallData,
} from './pbx-schemas.ts'

/** The Switchboard server's PBX API (docs/architecture.md): it checks rights and calls the PBX itself. */
export const API_BASE = '/api/pbx/'

/** `SIP/410` and `410` are the same extension; the PBX is sent, and keys its events by, `410`. */

type Params = Record<string, string | number | boolean | undefined>

export interface RequestOptions {
  signal?: AbortSignal
  /** Client-side deadline; the request is aborted and a `timeout` PbxError thrown. */
  timeoutMs?: number
}

/** As the vendor's examples write them: `exten=400,410` and `SIP/100` stay readable. */
const encodeQueryValue = (v: string) => encodeURIComponent(v).replace(/%2C/gi, ',').replace(/%2F/gi, '/')

/** Parameters travel in the query string, names case-sensitive; the browser never sends apiKey. */
export function buildUrl(method: string, params: Params): string {
  const qs = Object.entries(params)
    .filter(([k, v]) => v !== undefined && k.toLowerCase() !== 'apikey')
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeQueryValue(String(v))}`)
    .join('&')
  return `${API_BASE}${method}${qs ? `?${qs}` : ''}`
}

// The contract does not say how a refused key reads; these are the ways PBX messages put it.
// Narrow on purpose: a refused key is retried once a minute, so "extension not allowed to
// answer" or "channel key not found" must not read as one.
const AUTH_WORDS =
  /api[ _-]?key|\b(?:invalid|wrong|bad|missing|unknown|expired|no) key\b|auth|forbidden|access denied|whitelist|licen[cs]e/i

/** The PBX's own Code and words in an error body, when it sent JSON. */
function pbxReplyIn(text: string): { code?: number; message?: string } {
  try {
    const parsed = envelopeSchema.safeParse(JSON.parse(text))
    return parsed.success ? { code: parsed.data.Code, message: parsed.data.Message } : {}
  } catch {
    return {}
  }
}

/** The Switchboard server's own error shape `{ error, message }` (a word, and a sentence for the panel). */
function serverRefusal(text: string): { error: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown }
    return typeof body.error === 'string' && typeof body.message === 'string'
      ? { error: body.error, message: body.message }
      : undefined
  } catch {
    return undefined
  }
}

/** Set by Switchboard's own server on replies from its built-in simulated PBX. */
export const SIMULATOR_HEADER = 'X-Switchboard-Simulator'

async function post(
  method: string,
  params: Params,
  opts: RequestOptions,
): Promise<{ text: string; json: unknown; simulated: boolean; receivedAt: number }> {
  // A plain timer rather than AbortSignal.timeout: fake clocks (tests, page.clock) can drive it.
  const deadline = new AbortController()
  const timer = opts.timeoutMs ? setTimeout(() => deadline.abort(), opts.timeoutMs) : undefined
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal
  let res: Response
  let text: string
  let receivedAt: number
  try {
    res = await fetch(buildUrl(method, params), {
      method: 'POST',
      // X-Switchboard: the server refuses commands without it (no cross-site page can send it).
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...SWITCHBOARD_HEADER },
      cache: 'no-store',
      signal,
    })
    text = await res.text()
    receivedAt = Date.now()
  } catch (cause) {
    if (opts.signal?.aborted) throw new PbxError('aborted', 'Request cancelled', { cause })
    if (deadline.signal.aborted)
      throw new PbxError('timeout', `No reply from the PBX within ${Math.round(opts.timeoutMs! / 1000)} s`, { cause })
    throw new PbxError('network', 'Cannot reach the PBX (network error)', { cause })
  } finally {
    clearTimeout(timer)
  }

  if (!res.ok) {
    // Our server's own refusals; a PBX failure the feed mirrors (same status, the PBX's body) reads as before.
    const ours = serverRefusal(text)
    if (ours?.error === 'unauthenticated') {
      useSession.getState().sessionEnded({ message: 'Your session has ended. Sign in again.' })
      throw new PbxError('signed-out', ours.message, { status: res.status })
    }
    if (ours) throw new PbxError(res.status < 500 ? 'refused' : 'http', ours.message, { status: res.status })
    const { code, message: said } = pbxReplyIn(text)
    const words = said ? `: ${said}` : ''
    if (res.status === 401 || res.status === 403)
      throw new PbxError('auth', `The PBX rejected the API key (HTTP ${res.status})${words}`, {
        status: res.status,
        code,
        pbxMessage: said,
      })
    // Our own proxy says so when it could not reach the PBX at all.
    const proxyNote = res.headers.get('X-Switchboard-Proxy')
    if (proxyNote === 'ETIMEDOUT')
      throw new PbxError('timeout', 'No reply from the PBX in time (the server gave up waiting)', {
        status: res.status,
      })
    if (proxyNote)
      throw new PbxError('network', `The server cannot reach the PBX (${proxyNote})`, { status: res.status })
    const hint = res.status === 404 && !said ? ' — is NOOJEE_URL right?' : ''
    throw new PbxError('http', `The PBX answered HTTP ${res.status}${hint}${words}`, {
      status: res.status,
      code,
      pbxMessage: said,
    })
  }

  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    const html = /^\s*</.test(text)
    throw new PbxError(
      'malformed',
      html
        ? 'The PBX sent an HTML page instead of JSON (a wrong NOOJEE_URL or a refused key can look like this)'
        : 'The PBX sent a reply that is not valid JSON',
      { cause },
    )
  }

  const envelope = envelopeSchema.safeParse(json)
  if (!envelope.success) throw new PbxError('malformed', 'The PBX reply has no Code field')
  const { Code, Message } = envelope.data
  if (Code < 0) {
    const pbxMessage = Message ?? `error ${Code}`
    if (AUTH_WORDS.test(pbxMessage))
      throw new PbxError('auth', `The PBX rejected the API key: ${pbxMessage}`, { code: Code, pbxMessage })
    throw new PbxError('pbx', `The PBX said: ${pbxMessage} (Code ${Code})`, { code: Code, pbxMessage })
  }
  return { text, json, simulated: res.headers.has(SIMULATOR_HEADER), receivedAt }
}

function validate<S extends z.ZodMiniType>(schema: S, json: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new PbxError(
      'malformed',
      `The PBX ${what} reply has an unexpected shape (${issue.path.join('.') || 'root'}: ${issue.message})`,
    )
  }
  return parsed.data
}

export interface FeedEvent {
  /** Extension key as the PBX sent it. */
  ext: string
  data: CallData
  callId?: number
}

export interface SubscribeResult {
  /** Exact decimal digits: a seq beyond 2^53 must go back to the PBX unchanged. */
  seq: string
  events: FeedEvent[]
  /** Events dropped because they lacked uniqueCallId/status or were not objects. */
  rejected: number
  /** The reply came from Switchboard's built-in simulated PBX. */
  simulated?: boolean
  /** A warning or notice the PBX sent with its events (a positive Code, its Message). */
  note?: string
  /** When the reply had arrived (Date.now()), before it was read: the next poll's period counts from here. */
  receivedAt?: number
}

/** Validating a large reply yields to the browser this often. */
const YIELD_AFTER_MS = 8

export interface SubscribeParams {
  exten: string[]
  lastSequenceNumber: string
  timeOut: number
}

export async function subscribe(p: SubscribeParams, opts: RequestOptions = {}): Promise<SubscribeResult> {
  const { text, json, simulated, receivedAt } = await post(
    'subscribe',
    // Bare extensions, as the vendor's client sends them (`SIP/410` → `410`), each once.
    {
      exten: [...new Set(p.exten.map(extKey))].join(','),
      lastSequenceNumber: p.lastSequenceNumber,
      timeOut: p.timeOut,
    },
    opts,
  )
  const reply = validate(subscribeSchema, json, 'subscribe')
  let seq = String(reply.seq)
  if (typeof reply.seq === 'number' && !Number.isSafeInteger(reply.seq)) {
    // JSON.parse rounded it; take the digits from the text itself.
    const all = [...text.matchAll(/"seq"\s*:\s*(\d+)/g)]
    if (all.length === 0) throw new PbxError('malformed', 'The PBX sent an unreadable seq')
    seq = all[all.length - 1][1]
  }
  const events: FeedEvent[] = []
  let rejected = 0
  if (reply.Data && !Array.isArray(reply.Data)) {
    let sliceStart = performance.now()
    for (const [ext, list] of Object.entries(reply.Data)) {
      const raws = rawEventsOf(list)
      if (!raws) {
        rejected++
        continue
      }
      for (const raw of raws) {
        // A burst of odd events (the slow, schema path) is validated in slices of a few ms.
        if (performance.now() - sliceStart > YIELD_AFTER_MS) {
          await yieldToMain()
          if (opts.signal?.aborted) throw new PbxError('aborted', 'Request cancelled')
          sliceStart = performance.now()
        }
        const ev = parseEvent(raw)
        if (ev.success) events.push({ ext, data: ev.data.CallData, callId: ev.data.CallID })
        else rejected++
      }
    }
  }
  const said = (json as { Message?: unknown }).Message
  const note = reply.Code > 0 ? `Code ${reply.Code}${typeof said === 'string' && said ? `: ${said}` : ''}` : undefined
  return { seq, events, rejected, receivedAt, ...(simulated ? { simulated } : {}), ...(note ? { note } : {}) }
}

const action = async (method: string, params: Params, opts?: RequestOptions): Promise<ActionReply> =>
  validate(actionReplySchema, (await post(method, params, { timeoutMs: 15_000, ...opts })).json, method)

export const answer = (p: { uniqueId: string; exten: string; answerString: string }, opts?: RequestOptions) =>
  action('answer', p, opts)

export const hangup = (p: { extenOrUniqueId: string }, opts?: RequestOptions) => action('hangup', p, opts)

export const dial = (
  p: {
    number: string
    extenOrUniqueId: string
    callerId?: string
    phoneCaption?: string
    autoAnswer?: string
    monitored?: 'yes'
  },
  opts?: RequestOptions,
) => action('dial', p, opts)

export const startRecording = (
  p: { extenOrUniqueId: string; agentLoginName: string; tag?: string },
  opts?: RequestOptions,
) => action('start', p, opts)

export const stopRecording = (p: { extenOrUniqueId: string; agentLoginName: string }, opts?: RequestOptions) =>
  action('stop', p, opts)
