import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'
import { postJson } from '../helpers/sse.js'

const spec = specValidator('responses')

describe('inbound API keys', () => {
  let bridge: RunningBridge
  beforeAll(async () => {
    bridge = await startBridge({ apiKeys: ['k1', 'k2'] })
  })
  afterAll(() => bridge.close())

  it('refuses a request without a key, in the face’s own error format', async () => {
    const res = await postJson(`${bridge.url}/v1/responses`, { model: 'demo', input: 'hello' })
    expect(res.status).toBe(401)
    const body = await res.json()
    expect(spec.errors('ErrorResponse', body)).toBe('')
    expect(body).toMatchObject({ error: { type: 'authentication_error' } })
  })

  it('refuses a wrong key', async () => {
    const res = await fetch(`${bridge.url}/v1/models`, { headers: { authorization: 'Bearer nope' } })
    expect(res.status).toBe(401)
  })

  it('accepts any configured key, as a bearer token or x-api-key', async () => {
    const bearer = await postJson(
      `${bridge.url}/v1/responses`,
      { model: 'demo', input: 'hello' },
      { authorization: 'Bearer k2' },
    )
    expect(bearer.status).toBe(200)
    const header = await fetch(`${bridge.url}/v1/models`, { headers: { 'x-api-key': 'k1' } })
    expect(header.status).toBe(200)
  })

  it('leaves the health check open', async () => {
    expect((await fetch(`${bridge.url}/healthz`)).status).toBe(200)
  })
})
