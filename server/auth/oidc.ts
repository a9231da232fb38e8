// Single sign-on: OpenID Connect authorisation code + PKCE (S256) + state + nonce, with openid-client 6.
// The identity provider says who someone is; their rights still come from the users file (see findAccount).
import * as client from 'openid-client'
import type { Account, Users } from './users-file.ts'

export interface OidcOptions {
  /** The issuer URL (https; http only on a loopback address, for tests and labs). */
  issuer: string
  clientId: string
  /** Absent: a public client (PKCE alone). */
  clientSecret?: string
  /** The sign-in button says "Sign in with <label>"; default: the issuer's host. */
  label?: string
  /** Default "openid email profile". */
  scope?: string
}

/** What one sign-in attempt must find again at the callback; kept server-side for 10 minutes. */
export interface OidcPending {
  verifier: string
  state: string
  nonce: string
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost'])

export const oidcLabel = (o: OidcOptions) => o.label ?? new URL(o.issuer).host

export class Oidc {
  private config: Promise<client.Configuration> | undefined

  constructor(
    readonly options: OidcOptions,
    private readonly redirectUri: string,
  ) {}

  /** Discovery on first use, retried on the next sign-in if the provider was down. */
  private discover(): Promise<client.Configuration> {
    const { issuer, clientId, clientSecret } = this.options
    const url = new URL(issuer)
    const insecure = url.protocol === 'http:'
    if (insecure && !LOOPBACK.has(url.hostname)) throw new Error('OIDC_ISSUER must be https (http only on loopback)')
    this.config ??= client
      .discovery(
        url,
        clientId,
        undefined,
        clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
        insecure ? { execute: [client.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        this.config = undefined
        throw e
      })
    return this.config
  }

  /** The provider's URL to send the browser to, and what the callback must check. */
  async start(): Promise<{ url: string; pending: OidcPending }> {
    const config = await this.discover()
    const pending = {
      verifier: client.randomPKCECodeVerifier(),
      state: client.randomState(),
      nonce: client.randomNonce(),
    }
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.options.scope ?? 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    })
    return { url: url.href, pending }
  }

  /** Exchanges the code (checking state, PKCE and nonce) and returns the ID token's claims. */
  async finish(callbackUrl: URL, pending: OidcPending): Promise<Claims> {
    const config = await this.discover()
    const tokens = await client.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    })
    const claims = tokens.claims()
    if (!claims) throw new Error('the identity provider sent no ID token')
    // Spec-conforming providers put scope claims (email, preferred_username) in userinfo, not the ID token.
    if (
      claims.email === undefined &&
      claims.preferred_username === undefined &&
      config.serverMetadata().userinfo_endpoint
    ) {
      const info = await client.fetchUserInfo(config, tokens.access_token, claims.sub)
      return { ...info, ...claims } as Claims
    }
    return claims as Claims
  }
}

export interface Claims {
  sub: string
  email?: string
  email_verified?: boolean
  preferred_username?: string
}

/**
 * Whose rights a signed-in person gets: the users-file entry whose `email` equals the ID token's `email` claim
 * (unless the provider says `email_verified: false`), else the entry whose `name` equals `preferred_username`.
 * Case-insensitive. No entry: refused.
 */
export function findAccount(users: Users, claims: Claims): Account | undefined {
  const email = typeof claims.email === 'string' && claims.email_verified !== false ? claims.email : undefined
  const byEmail = email ? users.byEmail.get(email.toLowerCase()) : undefined
  if (byEmail) return byEmail
  const name = typeof claims.preferred_username === 'string' ? claims.preferred_username : undefined
  return name ? users.byName.get(name.toLowerCase()) : undefined
}

/** Who the provider said this was, for the refusal message. */
export const claimedAs = (claims: Claims) => claims.email ?? claims.preferred_username ?? claims.sub
