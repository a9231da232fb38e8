// zod/mini: the same validation as classic zod at a fraction of the bundle (budget: 120 KB gzip).
import { z } from 'zod/mini'

// Lenient where the PBX is loose (string or number ids, "true" strings), strict where a wrong
// value would corrupt the model (uniqueCallId and status are required). Every other field is
// optional: one the PBX sends in a form we cannot read (null, an object, a stray type) is
// dropped — the event still counts, as the contract says ("treat every field as optional").
const text = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((v) => String(v)),
)
const flag = z.pipe(
  z.union([z.boolean(), z.literal(1), z.literal(0), z.string().check(z.regex(/^(true|false|yes|no|1|0)$/i))]),
  z.transform((v) => v === true || v === 1 || (typeof v === 'string' && /^(true|yes|1)$/i.test(v))),
)
const maybe = <T extends z.ZodMiniType>(schema: T) => z.catch(z.optional(schema), undefined)
/** An integer (Code, CallID), or one written as a string of digits. */
const integer = z.pipe(
  z.union([z.int(), z.string().check(z.regex(/^-?\d+$/))]),
  z.transform((v) => Number(v)),
)

export const callDataSchema = z.object({
  uniqueCallId: z.pipe(text, z.string().check(z.minLength(1))),
  status: z.string().check(z.minLength(1)),
  callerId: maybe(text),
  canAnswer: maybe(flag),
  inbound: maybe(flag),
  isQueueCall: maybe(flag),
  isClickToDialCall: maybe(flag),
  callStartTime: maybe(z.string()),
  otherPartyCallerId: maybe(text),
  connectedCallerIdNum: maybe(text),
  outboundDestination: maybe(text),
})
export type CallData = z.output<typeof callDataSchema>

export const eventSchema = z.object({
  CallData: callDataSchema,
  CallID: maybe(integer),
  Code: maybe(integer),
})

export type PbxEvent = z.output<typeof eventSchema>

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isText = (v: unknown) => v === undefined || typeof v === 'string'
const isFlag = (v: unknown) => v === undefined || typeof v === 'boolean'

/**
 * The usual event — every field already a plain string, boolean or number — read without
 * zod's cost (a cold zod takes ≈ 40 ms over a 1,000-event burst). Anything else (numeric ids,
 * "true" strings, nulls, a missing field) returns null and goes to eventSchema. When it answers,
 * it answers what eventSchema would (a field the PBX left out is undefined; a test checks over
 * generated events). Every field is read and written by name, so the engine sees one shape:
 * adding them one by one under computed names cost ≈ 9 µs an event on a fresh page.
 */
export function plainEvent(raw: unknown): PbxEvent | null {
  if (!isRecord(raw) || !isRecord(raw.CallData)) return null
  const d = raw.CallData
  const {
    uniqueCallId,
    status,
    callerId,
    otherPartyCallerId,
    connectedCallerIdNum,
    outboundDestination,
    callStartTime,
  } = d
  const { canAnswer, inbound, isQueueCall, isClickToDialCall } = d
  if (typeof uniqueCallId !== 'string' || uniqueCallId === '' || typeof status !== 'string' || status === '')
    return null
  if (raw.CallID !== undefined && typeof raw.CallID !== 'number') return null
  if (raw.Code !== undefined && typeof raw.Code !== 'number') return null
  if (!(
    isText(callerId) &&
    isText(otherPartyCallerId) &&
    isText(connectedCallerIdNum) &&
    isText(outboundDestination) &&
    isText(callStartTime)
  ))
    return null
  if (!(isFlag(canAnswer) && isFlag(inbound) && isFlag(isQueueCall) && isFlag(isClickToDialCall))) return null
  return {
    CallData: {
      uniqueCallId,
      status,
      callerId,
      otherPartyCallerId,
      connectedCallerIdNum,
      outboundDestination,
      callStartTime,
      canAnswer,
      inbound,
      isQueueCall,
      isClickToDialCall,
    },
    CallID: raw.CallID,
    Code: raw.Code,
  } as PbxEvent
}

/** One event of a subscribe reply: the plain reading when it applies, else the schema's. */
export function parseEvent(raw: unknown): { success: true; data: PbxEvent } | { success: false } {
  const plain = plainEvent(raw)
  return plain ? { success: true, data: plain } : eventSchema.safeParse(raw)
}

/**
 * One extension's entry in a subscribe reply's Data, as a list of raw events: null or {} is nothing for
 * this extension, one event not in a list is read as a list of one; anything else (null returned) cannot be
 * read — counted by the caller, and the rest of the reply still counts. Shared by the panel and the server.
 */
export function rawEventsOf(entry: unknown): unknown[] | null {
  if (Array.isArray(entry)) return entry
  if (entry === null) return []
  if (typeof entry === 'object') return Object.keys(entry).length ? [entry] : []
  return null
}

/** Every reply carries an integer Code; negative is an error, even with HTTP 200. */
export const envelopeSchema = z.object({
  Code: integer,
  // "usually with a Message string": anything else is read as text, or left out.
  Message: maybe(text),
})

/** seq as a non-negative integer; a string of digits is accepted and kept exact. */
export const seqSchema = z.union([
  z.number().check(z.nonnegative(), z.refine(Number.isInteger)),
  z.string().check(z.regex(/^\d+$/)),
])

export const subscribeSchema = z.object({
  Code: integer,
  seq: seqSchema,
  // On a timeout the PBX sends an empty Data; tolerate {} , [] , null or none. Each
  // extension's list is checked where it is read (subscribe: one that is not a list is counted
  // as dropped, the rest of the reply still counts); here only that Data is a map.
  Data: z.optional(z.union([z.custom<Record<string, unknown>>(isRecord), z.array(z.never()), z.null()])),
})

export const actionReplySchema = z.object({
  Code: integer,
  Message: maybe(text),
  SessionID: maybe(text),
})
export type ActionReply = z.output<typeof actionReplySchema>
