// The only module that talks HTTP for the PBX: to the Switchboard server's /api/pbx/<method>, which checks the
// user's rights and speaks to the PBX itself; failures come in the server's words (feed-contract.ts).
import type { z } from 'zod/mini'
import { yieldToMain } from '../../lib/next-task.ts'
import { SWITCHBOARD_HEADER } from '../session/session-api.ts'
import { useSession } from '../session/session-store.ts'
import { apiErrorSchema, FEED_RETRY_PATH, feedDownSchema } from './feed-contract.ts'
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

/** A reply body as JSON, or undefined when it is not. */
function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** Set by Switchboard's own server on replies from its built-in simulated PBX. */
export const SIMULATOR_HEADER = 'X-Switchboard-Simulator'

const unexpected = (what: string, status?: number) =>
  new PbxError('unexpected', `The Switchboard server answered something unexpected (${what})`, { status })

/** A refusal as the server words it (feed-contract.ts): its message is what the panel shows. */
function refusal(res: Response, text: string): PbxError {
  const body = jsonOf(text)
  const down = feedDownSchema.safeParse(body)
  if (res.status === 503 && down.success) {
    const { message, reason, retryAt } = down.data
    return new PbxError('feed-down', message, { status: res.status, reason, retryAt })
  }
  const said = apiErrorSchema.safeParse(body)
  if (!said.success) return unexpected(`HTTP ${res.status}`, res.status)
  if (said.data.error === 'unauthenticated') {
    useSession.getState().sessionEnded({ message: 'Your session has ended. Sign in again.' })
    return new PbxError('signed-out', said.data.message, { status: res.status })
  }
  return new PbxError(res.status < 500 ? 'refused' : 'server', said.data.message, { status: res.status })
}

async function post(
  url: string,
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
    res = await fetch(url, {
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
      throw new PbxError(
        'timeout',
        `No reply from the Switchboard server within ${Math.round(opts.timeoutMs! / 1000)} s`,
        {
          cause,
        },
      )
    // The request can fail before the browser's `offline` event lands: the browser's own word decides.
    if (typeof navigator !== 'undefined' && navigator.onLine === false)
      throw new PbxError('offline', 'This computer is offline', { cause })
    throw new PbxError('network', 'Cannot reach the Switchboard server', { cause })
  } finally {
    clearTimeout(timer)
  }

  if (!res.ok) throw refusal(res, text)
  const simulated = res.headers.has(SIMULATOR_HEADER)
  // No content (Retry now's 204): nothing to read.
  if (res.status === 204) return { text, json: undefined, simulated, receivedAt }
  const json = jsonOf(text)
  if (json === undefined) throw unexpected('not JSON', res.status)
  const envelope = envelopeSchema.safeParse(json)
  if (!envelope.success) throw unexpected('no Code', res.status)
  const { Code, Message } = envelope.data
  // An action the PBX refused, passed on by the server with the PBX's words.
  if (Code < 0) {
    const pbxMessage = Message ?? `error ${Code}`
    throw new PbxError('pbx', `The PBX said: ${pbxMessage} (Code ${Code})`, { code: Code, pbxMessage })
  }
  return { text, json, simulated, receivedAt }
}

function validate<S extends z.ZodMiniType>(schema: S, json: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw unexpected(`a ${what} reply with ${issue.path.join('.') || 'root'}: ${issue.message}`)
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
  /** The server's word with the reply: with `seq` 0, why the panel must take a snapshot. */
  message?: string
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
    buildUrl(
      'subscribe',
      // Bare extensions, as the vendor's client sends them (`SIP/410` → `410`), each once.
      {
        exten: [...new Set(p.exten.map(extKey))].join(','),
        lastSequenceNumber: p.lastSequenceNumber,
        timeOut: p.timeOut,
      },
    ),
    opts,
  )
  const reply = validate(subscribeSchema, json, 'subscribe')
  let seq = String(reply.seq)
  if (typeof reply.seq === 'number' && !Number.isSafeInteger(reply.seq)) {
    // JSON.parse rounded it; take the digits from the text itself.
    const all = [...text.matchAll(/"seq"\s*:\s*(\d+)/g)]
    if (all.length === 0) throw unexpected('an unreadable seq')
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
  const message = typeof said === 'string' && said ? said : undefined
  return { seq, events, rejected, receivedAt, ...(simulated ? { simulated } : {}), ...(message ? { message } : {}) }
}

const action = async (method: string, params: Params, opts?: RequestOptions): Promise<ActionReply> =>
  validate(actionReplySchema, (await post(buildUrl(method, params), { timeoutMs: 15_000, ...opts })).json, method)

/** Retry now: asks the server to try the PBX at once (feed-contract.ts). */
export async function requestFeedRetry(): Promise<void> {
  await post(FEED_RETRY_PATH, { timeoutMs: 15_000 })
}

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
