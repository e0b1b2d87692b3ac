// Bad input at the edge of every face gets the dialect's own error with a 4xx, never a 500: JSON only as JSON (a web
// page cannot start a run with a text/plain or form POST), bounded nesting, bounded bodies (413 on JSON-RPC too),
// bad percent-encoding, and JSON-RPC method names that are not the methods' own.
import { describe, expect, it } from 'vitest'
import { createBridge } from '../../src/bridge/index.js'
import { startBridge } from '../helpers/bridge.js'

const bridge = createBridge({ agents: [{ id: 'demo', dialect: 'demo', delayMs: 0 }] })
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`
const nested = (n: number, inner: string) => `${'{"a":'.repeat(n)}${inner}${'}'.repeat(n)}`

const post = (path: string, body: string, contentType?: string) =>
  bridge.request(path, { method: 'POST', body, headers: contentType ? { 'content-type': contentType } : {} })

describe('JSON only as JSON', () => {
  it.each([
    ['text/plain;charset=UTF-8', '{"model":"demo","input":"hi"}'],
    ['application/x-www-form-urlencoded', 'model=demo&input=hi'],
    ['multipart/form-data; boundary=x', '--x--'],
  ])('Responses refuses %s with 415 in the OpenAI error shape', async (type, body) => {
    const res = await post('/v1/responses', body, type)
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', message: expect.any(String) } })
  })

  it('ACP refuses text/plain with 415 and its bare-string error', async () => {
    const res = await post('/acp/runs/wait', '{"agent_id":"demo","input":{"messages":[]}}', 'text/plain')
    expect(res.status).toBe(415)
    expect(typeof (await res.json())).toBe('string')
  })

  it('A2A JSON-RPC refuses text/plain with ContentTypeNotSupported', async () => {
    const res = await post('/a2a/demo', '{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":"x"}}', 'text/plain')
    const body = (await res.json()) as { error: { code: number } }
    expect(body.error.code).toBe(-32005)
  })

  // A typeless Blob is a body a web page can send anywhere without a preflight: no Content-Type at all.
  it.each([
    ['Responses', '/v1/responses', '{"model":"demo","input":"hi"}'],
    ['ACP', '/acp/runs/wait', '{"agent_id":"demo","input":{"messages":[{"role":"user","content":"hi"}]}}'],
  ])('%s refuses a body without a Content-Type with 415', async (_face, path, body) => {
    const res = await bridge.request(path, { method: 'POST', body: new TextEncoder().encode(body) })
    expect(res.status).toBe(415)
  })

  it('A2A REST refuses a body without a Content-Type (415 CONTENT_TYPE_NOT_SUPPORTED, as the A2A table maps it)', async () => {
    const message = '{"message":{"messageId":"m1","role":"ROLE_USER","parts":[{"text":"hi"}]}}'
    const res = await bridge.request('/a2a/demo/message:send', {
      method: 'POST',
      body: new TextEncoder().encode(message),
      headers: { 'a2a-version': '1.0' },
    })
    expect(res.status).toBe(415)
    expect(JSON.stringify(await res.json())).toContain('CONTENT_TYPE_NOT_SUPPORTED')
  })

  it('A2A JSON-RPC refuses a body without a Content-Type', async () => {
    const call =
      '{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"message":{"messageId":"m1","role":"ROLE_USER","parts":[{"text":"hi"}]}}}'
    const res = await bridge.request('/a2a/demo', { method: 'POST', body: new TextEncoder().encode(call) })
    expect(((await res.json()) as { error: { code: number } }).error.code).toBe(-32005)
  })

  it('no run was started by any of them', async () => {
    expect(await bridge.runtime.store.listRuns({})).toEqual([])
  })

  it('application/json and +json types are read', async () => {
    const res = await post('/v1/responses', '{"model":"demo","input":"hello"}', 'application/json; charset=utf-8')
    expect(res.status).toBe(200)
    expect((await post('/acp/agents/search', '{}', 'application/vnd.example+json')).status).toBe(200)
  })
})

describe('nesting is bounded before parsing', () => {
  it('Responses: metadata nested 100 deep → 400 invalid_request_error', async () => {
    const res = await post(
      '/v1/responses',
      `{"model":"demo","input":"hi","metadata":${nested(100, '1')}}`,
      'application/json',
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { message: expect.stringMatching(/nests deeper than 64/) } })
  })

  it('ACP: input nested 3000 deep → 422', async () => {
    const res = await post('/acp/runs/wait', `{"agent_id":"demo","input":${deep(3000)}}`, 'application/json')
    expect(res.status).toBe(422)
    expect(await res.json()).toMatch(/nests deeper than 64/)
  })

  it('A2A JSON-RPC: params nested 3000 deep → InvalidRequest (-32600)', async () => {
    const res = await post(
      '/a2a/demo',
      `{"jsonrpc":"2.0","id":7,"method":"SendMessage","params":${deep(3000)}}`,
      'application/json',
    )
    const body = (await res.json()) as { error: { code: number; message: string } }
    expect(body.error).toMatchObject({ code: -32600, message: expect.stringMatching(/nests deeper/) })
  })

  it('A2A HTTP+JSON: a body nested 3000 deep → 400', async () => {
    const res = await post('/a2a/demo/message:send', deep(3000), 'application/json')
    expect(res.status).toBe(400)
  })

  it('an array of more than 10,000 items → 400, in any face', async () => {
    const items = `[${Array.from({ length: 10_001 }, () => '1').join(',')}]`
    const res = await post(
      '/v1/responses',
      `{"model":"demo","input":"hi","metadata":{"a":${items}}}`,
      'application/json',
    )
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { message: expect.stringMatching(/more than 10000 items/) } })
    const rpc = await post(
      '/a2a/demo',
      `{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":${items}}`,
      'application/json',
    )
    expect(((await rpc.json()) as { error: { code: number } }).error.code).toBe(-32600)
  })

  it('brackets inside strings do not count', async () => {
    const text = `"${'['.repeat(200)}"`
    const res = await post('/v1/responses', `{"model":"demo","input":${text}}`, 'application/json')
    expect(res.status).toBe(200)
  })
})

describe('other edges', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'JSON-RPC method %s is not a method',
    async (method) => {
      const res = await post(
        '/a2a/demo',
        JSON.stringify({ jsonrpc: '2.0', id: 1, method, params: {} }),
        'application/json',
      )
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ id: 1, error: { code: -32601 } })
    },
  )

  it('bad percent-encoding in an A2A REST path → 400 in the A2A error shape', async () => {
    const res = await bridge.request('/a2a/demo/tasks/%E0%A4%A')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { message: expect.stringMatching(/percent-encoding/) } })
  })

  it('a JSON-RPC body over the limit → 413, not a 200 parse error', async () => {
    const big = `{"jsonrpc":"2.0","id":1,"method":"SendMessage","params":{"pad":"${'x'.repeat(17 * 1024 * 1024)}"}}`
    const res = await post('/a2a/demo', big, 'application/json')
    expect(res.status).toBe(413)
  })
})

describe('long URLs and headers, through the Node server', () => {
  it('a URL over 16 KiB → 414 and headers over 32 KiB → 431, in the face’s own error shape', async () => {
    const bridge = await startBridge()
    try {
      const long = await fetch(`${bridge.url}/v1/models?x=${'a'.repeat(20_000)}`)
      expect(long.status).toBe(414)
      expect(await long.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'uri_too_long' } })
      const big = await fetch(`${bridge.url}/acp/agents/search`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pad': 'a'.repeat(40_000) },
        body: '{}',
      })
      expect(big.status).toBe(431)
      expect(await big.json()).toMatch(/headers are larger than 32768 bytes/)
      // On the JSON-RPC URL too: these are HTTP's own errors, not JSON-RPC ones in a 200.
      const rpc = await fetch(`${bridge.url}/a2a/demo?x=${'a'.repeat(20_000)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"jsonrpc":"2.0","id":1,"method":"GetTask","params":{"id":"x"}}',
      })
      expect(rpc.status).toBe(414)
      expect(await rpc.json()).toMatchObject({
        jsonrpc: '2.0',
        error: { message: expect.stringMatching(/URL is longer/) },
      })
    } finally {
      await bridge.close()
    }
  })
})
