/** The SIP auto-answer header each handset family honours (contract, "answer"). */
export const HANDSETS = {
  yealink: { label: 'Yealink', answerString: 'Call-info:answer-after=0' },
  polycom: { label: 'Polycom', answerString: 'Alert-Info: Ring Answer' },
  snom: { label: 'Snom, Grandstream, Aastra, Linksys', answerString: 'Call-Info:\\; answer-after=0' },
} as const

export type HandsetType = keyof typeof HANDSETS
export const HANDSET_TYPES = Object.keys(HANDSETS) as HandsetType[]
