// CORS is off unless configured: no other web page may read the bridge's answers. When origins are listed, exactly
// those get the CORS headers, preflights included (answered before the key check, as browsers send them keyless).
import { describe, expect, it } from 'vitest'
import { createBridge, parseConfig } from '../../src/bridge/index.js'

const agents = [{ id: 'demo', dialect: 'demo', delayMs: 0 }] as const
const preflight = (app: ReturnType<typeof createBridge>, origin: string) =>
  app.request('/v1/responses', {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization,content-type',
    },
  })

describe('CORS', () => {
  it('is off by default: no CORS header on answers or preflights', async () => {
    const app = createBridge({ agents: [...agents] })
    const res = await app.request('/v1/models', { headers: { origin: 'https://evil.example' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect((await preflight(app, 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull()
  })

  it('lets the listed origins in, and only them, keys or not', async () => {
    const app = createBridge({ agents: [...agents], apiKeys: ['k'], cors: { origins: ['https://app.example'] } })
    const ok = await preflight(app, 'https://app.example')
    expect(ok.status).toBe(204)
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/authorization/)
    const other = await preflight(app, 'https://evil.example')
    expect(other.headers.get('access-control-allow-origin')).toBeNull()
    const res = await app.request('/v1/models', {
      headers: { origin: 'https://app.example', authorization: 'Bearer k' },
    })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(res.headers.get('access-control-expose-headers')).toMatch(/x-request-id/)
  })

  it('the configuration takes origins, not URLs with paths', () => {
    expect(parseConfig({ agents, cors: { origins: ['https://app.example', '*'] } }).cors?.origins).toHaveLength(2)
    expect(() => parseConfig({ agents, cors: { origins: ['https://app.example/page'] } })).toThrow(
      /cors\.origins\[0\]: must be an origin/,
    )
  })
})
