// One upstream that hangs (no answer at all) is bounded by its own deadlines, and never slows or breaks the other
// agents: their runs and discovery go on at once, on every face.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { postJson } from '../helpers/sse.js'

// Accepts every request and never answers; counts the requests made to it.
const requests = { count: 0 }
const hanging = createServer(() => {
  requests.count++
})
let bridge: RunningBridge
const lines: string[] = []

beforeAll(async () => {
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()))
  const url = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}`
  bridge = await startBridge({
    agents: [
      demoAgent(0),
      { id: 'stuck-a2a', dialect: 'a2a', url, timeouts: { connectMs: 300 }, retries: 0 },
      { id: 'stuck-responses', dialect: 'responses', url: `${url}/v1`, timeouts: { connectMs: 300 }, retries: 0 },
      // Stuck for far longer than the other agents take to answer: their answers cannot be waiting on it.
      { id: 'stuck-long', dialect: 'responses', url: `${url}/v1`, timeouts: { connectMs: 10_000 }, retries: 0 },
    ],
    log: (l) => lines.push(l),
  })
})
afterAll(async () => {
  await bridge.close()
  hanging.closeAllConnections()
  await new Promise<void>((r) => hanging.close(() => r()))
})

const within = async <T>(ms: number, work: Promise<T>): Promise<T> => {
  const started = performance.now()
  const result = await work
  expect(performance.now() - started).toBeLessThan(ms)
  return result
}

describe('a hanging upstream', () => {
  it('fails its own run within its deadline, in the face’s own format', async () => {
    const res = await within(3_000, postJson(`${bridge.url}/v1/responses`, { model: 'stuck-responses', input: 'hi' }))
    const body = (await res.json()) as { status: string; error: { message: string } }
    expect(body.status).toBe('failed')
    expect(body.error.message).toMatch(/did not answer within 300 ms/)
  })

  it('its discovery documents answer 504 within the deadline; the demo agent’s at once', async () => {
    const card = await within(3_000, fetch(`${bridge.url}/a2a/stuck-a2a/.well-known/agent-card.json`))
    expect(card.status).toBe(504)
    const demo = await within(500, fetch(`${bridge.url}/a2a/demo/.well-known/agent-card.json`))
    expect(demo.status).toBe(200)
  })

  it('while its runs hang, the other agent answers at once on every face', async () => {
    const client = new AbortController()
    const start = requests.count
    let settled = false
    const pending = fetch(`${bridge.url}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'stuck-long', input: 'hi' }),
      signal: client.signal,
    })
      .then(() => {
        settled = true
      })
      .catch(() => {})
    // The stuck run has reached the hanging upstream before the others start.
    await vi.waitFor(() => expect(requests.count).toBeGreaterThan(start))
    const before = requests.count
    const responses = await within(1_000, postJson(`${bridge.url}/v1/responses`, { model: 'demo', input: 'hello' }))
    expect(((await responses.json()) as { status: string }).status).toBe('completed')
    const acp = await within(
      1_000,
      postJson(`${bridge.url}/acp/runs/wait`, {
        agent_id: 'demo',
        input: { messages: [{ role: 'user', content: 'hello' }] },
      }),
    )
    expect(((await acp.json()) as { run: { status: string } }).run.status).toBe('success')
    const a2a = await within(
      1_000,
      postJson(
        `${bridge.url}/a2a/demo`,
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'SendMessage',
          params: { message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'hello' }] } },
        },
        { 'a2a-version': '1.0' },
      ),
    )
    expect(((await a2a.json()) as { result: { task: { status: { state: string } } } }).result.task.status.state).toBe(
      'TASK_STATE_COMPLETED',
    )
    // All three answered while the stuck run was still waiting on its upstream.
    expect(settled).toBe(false)
    expect(requests.count).toBe(before)
    client.abort()
    await pending
  })

  it('an ACP agent search leaves the hanging agent out instead of failing', async () => {
    const res = await within(3_000, postJson(`${bridge.url}/acp/agents/search`, {}))
    expect(res.status).toBe(200)
    const names = ((await res.json()) as { metadata: { ref: { name: string } } }[]).map((a) => a.metadata.ref.name)
    expect(names).toContain('demo')
    expect(names).toContain('stuck-responses')
    expect(names).not.toContain('stuck-a2a')
    expect(lines.join('\n')).toMatch(/agent stuck-a2a left out of an ACP search: .*did not answer within 300 ms/)
  })
})
