// @vitest-environment node
import { EventEmitter } from 'node:events'
import type { ProxyOptions } from 'vite'
import { describe, expect, it } from 'vitest'
import { pbxProxy, pbxTargetFromEnv, withApiKey, withoutApiKey } from './pbx-proxy.ts'

const API = '/servicemanager/rest/CallManagementAPI/answer'

describe('withApiKey', () => {
  it('strips apiKey in any case and appends the real one', () => {
    const path = `${API}?apiKey=evil&uniqueId=1.2&APIKEY=x&apikey=y&ApiKey=z&exten=410`
    expect(withApiKey(path, 'REAL')).toBe(`${API}?uniqueId=1.2&exten=410&apiKey=REAL`)
  })

  it('strips a percent-encoded apiKey name too', () => {
    expect(withApiKey(`${API}?api%4Bey=evil&%61pikey=x&exten=410`, 'K')).toBe(`${API}?exten=410&apiKey=K`)
  })

  it('keeps the other parameters byte for byte', () => {
    const query =
      'uniqueId=1412750652.496&answerString=Call-Info%3A%5C%3B%20answer-after%3D0&exten=SIP/410&x=a+b&y=%2c&empty=&flag'
    expect(withApiKey(`${API}?${query}`, 'K')).toBe(`${API}?${query}&apiKey=K`)
  })

  it('does not strip names that only contain apikey', () => {
    expect(withApiKey(`${API}?myapiKey=1&apiKeyX=2`, 'K')).toBe(`${API}?myapiKey=1&apiKeyX=2&apiKey=K`)
  })

  it('encodes the real key', () => {
    expect(withApiKey(API, 'a&b=c d/é')).toBe(`${API}?apiKey=a%26b%3Dc%20d%2F%C3%A9`)
  })

  it('survives a malformed percent escape in a parameter name', () => {
    expect(withApiKey(`${API}?%E0%A4%A=1&apiKey=x`, 'K')).toBe(`${API}?%E0%A4%A=1&apiKey=K`)
  })

  it('withoutApiKey drops the question mark when nothing is left', () => {
    expect(withoutApiKey(`${API}?apiKey=x&APIKEY=y`)).toBe(API)
    expect(withoutApiKey(API)).toBe(API)
  })
})

describe('pbxTargetFromEnv', () => {
  it('is null (the built-in PBX) when neither is set', () => {
    expect(pbxTargetFromEnv({})).toBeNull()
    expect(pbxTargetFromEnv({ NOOJEE_URL: '  ', NOOJEE_API_KEY: '' })).toBeNull()
  })

  it('reads a URL and key, trimmed, without a trailing slash', () => {
    expect(pbxTargetFromEnv({ NOOJEE_URL: ' https://pbx.example.com/ ', NOOJEE_API_KEY: ' k1 ' })).toEqual({
      url: 'https://pbx.example.com',
      apiKey: 'k1',
      insecureTls: false,
    })
    expect(pbxTargetFromEnv({ NOOJEE_URL: 'https://pbx.example.com:8443/base/', NOOJEE_API_KEY: 'k' })?.url).toBe(
      'https://pbx.example.com:8443/base',
    )
  })

  it('turns on insecure TLS only when asked', () => {
    expect(
      pbxTargetFromEnv({ NOOJEE_URL: 'https://pbx', NOOJEE_API_KEY: 'k', NOOJEE_INSECURE_TLS: '1' })?.insecureTls,
    ).toBe(true)
  })

  it('explains a URL that is not a URL', () => {
    expect(() => pbxTargetFromEnv({ NOOJEE_URL: 'pbx.example.com', NOOJEE_API_KEY: 'k' })).toThrow(
      'NOOJEE_URL is not a URL: "pbx.example.com". Example: NOOJEE_URL=https://pbx.example.com',
    )
  })

  it('refuses a non-HTTP scheme', () => {
    expect(() => pbxTargetFromEnv({ NOOJEE_URL: 'ftp://pbx.example.com', NOOJEE_API_KEY: 'k' })).toThrow(
      /must start with https:\/\//,
    )
  })

  it('explains a missing key', () => {
    expect(() => pbxTargetFromEnv({ NOOJEE_URL: 'https://pbx.example.com' })).toThrow(
      'NOOJEE_URL is set but NOOJEE_API_KEY is not: the PBX needs its global API key.',
    )
  })

  it('explains a key without a URL', () => {
    expect(() => pbxTargetFromEnv({ NOOJEE_API_KEY: 'k' })).toThrow(
      'NOOJEE_API_KEY is set but NOOJEE_URL is not: set both, or neither to use the built-in PBX.',
    )
  })
})

describe('pbxProxy', () => {
  const [[route, options]] = Object.entries(pbxProxy({ url: 'https://pbx.example.com', apiKey: 'SECRET' })) as [
    string,
    ProxyOptions,
  ][]

  it('routes the CallManagementAPI only: no other PBX path gets the key', () => {
    const re = new RegExp(route)
    expect(re.test('/servicemanager/rest/CallManagementAPI/subscribe?exten=1')).toBe(true)
    expect(re.test('/servicemanager/rest/systemHealth/test')).toBe(false)
    expect(re.test('/servicemanager/rest/other/x')).toBe(false)
    expect(re.test('/__sim/ring')).toBe(false)
  })

  it('forwards POST only, as the contract calls every method: anything else gets a 404, not the key', async () => {
    const req = (method: string) => ({ method }) as Parameters<NonNullable<ProxyOptions['bypass']>>[0]
    expect(await options.bypass?.(req('POST'), undefined, options)).toBeUndefined()
    for (const method of ['GET', 'PUT', 'OPTIONS'])
      expect(await options.bypass?.(req(method), undefined, options)).toBe(false)
  })

  it('keeps the key out of the incoming URL and adds it to the outgoing request, dropping browser credentials', () => {
    expect(options.rewrite?.(`${API}?exten=410&apiKey=mine`)).toBe(`${API}?exten=410`)
    const proxy = new EventEmitter()
    options.configure?.(proxy as unknown as Parameters<NonNullable<ProxyOptions['configure']>>[0], options)
    const removed: string[] = []
    const proxyReq = { path: `${API}?exten=410`, removeHeader: (h: string) => removed.push(h) }
    proxy.emit('proxyReq', proxyReq)
    expect(proxyReq.path).toBe(`${API}?exten=410&apiKey=SECRET`)
    expect(removed.sort()).toEqual(['authorization', 'cookie'])
  })

  it('answers 502 with the reason when the PBX cannot be reached', () => {
    const proxy = new EventEmitter()
    options.configure?.(proxy as unknown as Parameters<NonNullable<ProxyOptions['configure']>>[0], options)
    const res = {
      headersSent: false,
      status: 0,
      headers: {} as Record<string, string>,
      body: '',
      writeHead(status: number, headers: Record<string, string>) {
        this.status = status
        this.headers = headers
        return this
      },
      end(body: string) {
        this.body = body
      },
    }
    proxy.emit('error', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), {}, res)
    expect(res.status).toBe(502)
    expect(res.body).toBe('Cannot reach the PBX: ECONNREFUSED')
    expect(res.body).not.toContain('SECRET')
  })

  it('marks replies from the built-in simulator, and only those', () => {
    const marked = (simulated: boolean) => {
      const [[, opts]] = Object.entries(pbxProxy({ url: 'http://127.0.0.1:1', apiKey: 'K', simulated })) as [
        string,
        ProxyOptions,
      ][]
      const proxy = new EventEmitter()
      opts.configure?.(proxy as unknown as Parameters<NonNullable<ProxyOptions['configure']>>[0], opts)
      const headers: Record<string, string> = {}
      proxy.emit('proxyRes', new EventEmitter(), {}, { setHeader: (k: string, v: string) => (headers[k] = v) })
      return headers
    }
    expect(marked(true)).toEqual({ 'X-Switchboard-Simulator': '1' })
    expect(marked(false)).toEqual({})
  })
})
