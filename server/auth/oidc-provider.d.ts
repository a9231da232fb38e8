// oidc-provider ships no types (and @types/oidc-provider lags its major versions): the little the tests use.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  interface Account {
    accountId: string
    claims: () => Record<string, unknown>
  }

  export default class Provider {
    constructor(
      issuer: string,
      configuration: {
        clients: Record<string, unknown>[]
        claims?: Record<string, string[]>
        findAccount?: (ctx: unknown, sub: string) => Account | undefined | Promise<Account | undefined>
        features?: Record<string, { enabled: boolean }>
        [key: string]: unknown
      },
    )
    callback(): (req: IncomingMessage, res: ServerResponse) => void
  }
}
