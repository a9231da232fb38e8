// The server-side half of "the key never reaches the browser": the proxy adds the key and drops
// any the browser sent. Used by `vite` (dev) and `vite preview` (a simple deployment).
import type { ProxyOptions } from 'vite'

/** Strip every apiKey parameter (any case) from a path's query string; other bytes untouched. */
export function withoutApiKey(path: string): string {
  const q = path.indexOf('?')
  if (q === -1) return path
  const kept = path
    .slice(q + 1)
    .split('&')
    .filter((part) => part !== '' && safeDecode(part.split('=')[0]).toLowerCase() !== 'apikey')
  return kept.length ? `${path.slice(0, q)}?${kept.join('&')}` : path.slice(0, q)
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

/** Strip any apiKey the browser sent and append the real one. */
export function withApiKey(path: string, apiKey: string): string {
  const clean = withoutApiKey(path)
  return `${clean}${clean.includes('?') ? '&' : '?'}apiKey=${encodeURIComponent(apiKey)}`
}

export interface PbxTarget {
  url: string
  apiKey: string
  /** NOOJEE_INSECURE_TLS=1: accept a self-signed PBX certificate. */
  insecureTls?: boolean
  /** The built-in simulated PBX: replies are marked so the panel says so. */
  simulated?: boolean
}

/** Read and check NOOJEE_URL / NOOJEE_API_KEY; a bad value stops the server with a clear message. */
export function pbxTargetFromEnv(env: Record<string, string | undefined>): PbxTarget | null {
  const url = env.NOOJEE_URL?.trim()
  const apiKey = env.NOOJEE_API_KEY?.trim()
  if (!url) {
    if (apiKey)
      throw new Error('NOOJEE_API_KEY is set but NOOJEE_URL is not: set both, or neither to use the built-in PBX.')
    return null
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new Error(`NOOJEE_URL is not a URL: "${url}". Example: NOOJEE_URL=https://pbx.example.com`)
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new Error(`NOOJEE_URL must start with https:// (got "${parsed.protocol}")`)
  if (!apiKey) throw new Error('NOOJEE_URL is set but NOOJEE_API_KEY is not: the PBX needs its global API key.')
  return {
    url: parsed.origin + parsed.pathname.replace(/\/$/, ''),
    apiKey,
    insecureTls: env.NOOJEE_INSECURE_TLS === '1',
  }
}

/** Longer than the client's own abort (timeOut 25 s + 10 s), so the proxy never cuts a poll short. */
export const PROXY_TIMEOUT_MS = 90_000

export function pbxProxy(target: PbxTarget): Record<string, ProxyOptions> {
  return {
    // Only what the panel calls: nothing else on the PBX gets our key from this server.
    '^/servicemanager/rest/CallManagementAPI/': {
      target: target.url,
      changeOrigin: true,
      timeout: PROXY_TIMEOUT_MS,
      proxyTimeout: PROXY_TIMEOUT_MS,
      // The key goes on the outgoing request only, so no log line of the incoming URL holds it.
      rewrite: withoutApiKey,
      secure: !target.insecureTls,
      // The contract calls every method with POST; anything else gets Vite's 404, not our key.
      bypass: (req) => (req.method === 'POST' ? undefined : false),
      configure: (proxy) => {
        proxy.on('proxyReq', (proxyReq) => {
          proxyReq.path = withApiKey(proxyReq.path, target.apiKey)
          // Browser credentials mean nothing to the PBX; do not forward them.
          proxyReq.removeHeader('cookie')
          proxyReq.removeHeader('authorization')
        })
        // The PBX dropped the connection mid-reply: drop the browser's too, or it hangs to its deadline.
        proxy.on('proxyRes', (proxyRes, _req, res) => {
          // The panel says so on screen: demo calls must never pass for real ones.
          if (target.simulated) res.setHeader('X-Switchboard-Simulator', '1')
          proxyRes.on('close', () => {
            if (!proxyRes.complete) res.destroy()
          })
        })
        // Tell the panel the PBX was unreachable, rather than a bare 500 that reads as the PBX's.
        proxy.on('error', (err, _req, res) => {
          if (!('writeHead' in res) || res.headersSent) return
          const code = (err as NodeJS.ErrnoException).code ?? err.message
          res
            .writeHead(502, { 'Content-Type': 'text/plain', 'X-Switchboard-Proxy': code })
            .end(`Cannot reach the PBX: ${code}`)
        })
      },
    },
  }
}
