// A real OpenID provider for tests, beside the simulated PBX (oidc-provider with its dev login form) on a free loopback port: the
// server tests and the Chromium e2e sign in through it, never through a mock.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export type People = Record<string, { email: string; preferred_username: string }>

export const CLIENT = { id: 'switchboard', secret: 'switchboard-client-secret' }

/** Starts the provider for Switchboard's client at `redirectUri`; `people` by subject, emails verified. */
export async function startTestIdp(redirectUri: string, people: People) {
  const idp = createServer()
  await new Promise<void>((r) => idp.listen(0, '127.0.0.1', r))
  const issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT.id,
        client_secret: CLIENT.secret,
        redirect_uris: [redirectUri],
        application_type: 'native',
      },
    ],
    claims: { email: ['email', 'email_verified'], profile: ['preferred_username'] },
    findAccount: (_ctx, sub) =>
      people[sub] && { accountId: sub, claims: () => ({ sub, email_verified: true, ...people[sub] }) },
    features: { devInteractions: { enabled: true } },
  })
  idp.on('request', provider.callback())
  const close = async () => {
    idp.closeAllConnections()
    await new Promise((r) => idp.close(r))
  }
  return { issuer, close }
}
