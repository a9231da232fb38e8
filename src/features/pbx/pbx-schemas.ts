// zod/mini: the same validation as classic zod at a fraction of the bundle (budget: 120 KB gzip).
import { z } from 'zod/mini'

// Lenient where the PBX is loose (string or number ids, "true" strings), strict where a wrong
// value would corrupt the model (uniqueCallId and status are required).
const text = z.pipe(
  z.union([z.string(), z.number()]),
  z.transform((v) => String(v)),
)
const flag = z.pipe(
  z.union([z.boolean(), z.literal('true'), z.literal('false')]),
  z.transform((v) => v === true || v === 'true'),
)

export const callDataSchema = z.object({
  uniqueCallId: z.pipe(text, z.string().check(z.minLength(1))),
  status: z.string().check(z.minLength(1)),
  callerId: z.optional(text),
  canAnswer: z.optional(flag),
  inbound: z.optional(flag),
  isQueueCall: z.optional(flag),
  isClickToDialCall: z.optional(flag),
  callStartTime: z.optional(z.string()),
  otherPartyCallerId: z.optional(text),
  connectedCallerIdNum: z.optional(text),
  outboundDestination: z.optional(text),
})
export type CallData = z.output<typeof callDataSchema>

export const eventSchema = z.object({
  CallData: callDataSchema,
  CallID: z.optional(z.number()),
  Code: z.optional(z.number()),
})

/** Every reply carries an integer Code; negative is an error, even with HTTP 200. */
export const envelopeSchema = z.object({
  Code: z.int(),
  Message: z.optional(z.string()),
})

/** seq as a non-negative integer; a string of digits is accepted and kept exact. */
export const seqSchema = z.union([z.number().check(z.nonnegative(), z.refine(Number.isInteger)), z.string().check(z.regex(/^\d+$/))])

export const subscribeSchema = z.object({
  Code: z.int(),
  seq: seqSchema,
  // On a timeout the PBX sends an empty Data; tolerate {} , [] , null or none.
  Data: z.optional(z.union([z.record(z.string(), z.array(z.unknown())), z.array(z.never()), z.null()])),
})

export const actionReplySchema = z.object({
  Code: z.int(),
  Message: z.optional(z.string()),
  SessionID: z.optional(text),
})
export type ActionReply = z.output<typeof actionReplySchema>
