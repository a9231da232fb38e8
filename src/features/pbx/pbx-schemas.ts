import { z } from 'zod'

// Lenient where the PBX is loose (string or number ids, "true" strings), strict where a wrong
// value would corrupt the model (uniqueCallId and status are required).
const text = z.union([z.string(), z.number()]).transform(String)
const flag = z
  .union([z.boolean(), z.literal('true'), z.literal('false')])
  .transform((v) => v === true || v === 'true')

export const callDataSchema = z.object({
  uniqueCallId: text.pipe(z.string().min(1)),
  status: z.string().min(1),
  callerId: text.optional(),
  canAnswer: flag.optional(),
  inbound: flag.optional(),
  isQueueCall: flag.optional(),
  isClickToDialCall: flag.optional(),
  callStartTime: z.string().optional(),
  otherPartyCallerId: text.optional(),
  connectedCallerIdNum: text.optional(),
  outboundDestination: text.optional(),
})
export type CallData = z.infer<typeof callDataSchema>

export const eventSchema = z.object({
  CallData: callDataSchema,
  CallID: z.number().optional(),
  Code: z.number().optional(),
})

/** Every reply carries an integer Code; negative is an error, even with HTTP 200. */
export const envelopeSchema = z.object({
  Code: z.number().int(),
  Message: z.string().optional(),
})

/** seq as a non-negative integer; a string of digits is accepted and kept exact. */
export const seqSchema = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)])

export const subscribeSchema = z.object({
  Code: z.number().int(),
  seq: seqSchema,
  // On a timeout the PBX sends an empty Data; tolerate {} , [] , null or none.
  Data: z
    .union([z.record(z.string(), z.array(z.unknown())), z.array(z.never()), z.null()])
    .optional(),
})

export const actionReplySchema = envelopeSchema.extend({
  SessionID: text.optional(),
})
export type ActionReply = z.infer<typeof actionReplySchema>
