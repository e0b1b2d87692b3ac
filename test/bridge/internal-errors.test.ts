// An internal error (a bug) is logged once with its stack and the request's id; the client gets its dialect's own
// error naming that id, and the same id in the x-request-id header, so an operator can match the two.
import { describe, expect, it } from 'vitest'
import { createBridge } from '../../src/bridge/index.js'
import type { AgentBackend, AgentEvent } from '../../src/core/index.js'

const broken: AgentBackend = {
  info: () => {
    throw new TypeError("Cannot read properties of undefined (reading 'name')")
  },
  run: async function* () {},
}

function bridge() {
  const lines: string[] = []
  const app = createBridge({ agents: [{ id: 'broken', backend: broken }], apiKeys: ['k'], log: (l) => lines.push(l) })
  return { app, lines }
}

describe('internal errors', () => {
  it.each([
    ['A2A card', 'GET', '/a2a/broken/.well-known/agent-card.json', undefined],
    ['ACP descriptor', 'GET', '/acp/agents/broken/descriptor', undefined],
    [
      'A2A JSON-RPC',
      'POST',
      '/a2a/broken',
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'GetExtendedAgentCard', params: {} }),
    ],
  ] as const)(
    '%s: the dialect’s error naming the request id, logged with the stack',
    async (_face, method, path, body) => {
      const { app, lines } = bridge()
      const res = await app.request(path, {
        method,
        headers: { authorization: 'Bearer k', ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body } : {}),
      })
      const id = res.headers.get('x-request-id')
      expect(id).toMatch(/^req_[0-9a-f]{32}$/)
      const text = await res.text()
      expect(text).toContain(`Internal error in the bridge (request ${id}).`)
      expect(text).not.toContain('Cannot read properties')
      const logged = lines.filter((l) => l.startsWith('error:'))
      expect(logged).toHaveLength(1)
      expect(logged[0]).toContain(`[${id}]`)
      expect(logged[0]).toContain("TypeError: Cannot read properties of undefined (reading 'name')")
      expect(logged[0]).toMatch(/\n\s+at /)
    },
  )

  // A bug once the stream has begun (here: an answer holding a value no JSON can carry) is reported by the stream
  // itself, after its handler returned: still with the request's id, method and path.
  const unwritable: AgentBackend = {
    info: () => ({
      id: 'odd',
      name: 'odd',
      capabilities: { streaming: true, threads: false, interrupts: false, clientTools: false, push: false },
    }),
    run: async function* (): AsyncIterable<AgentEvent> {
      const message = { id: 'm1', role: 'assistant' as const, parts: [{ type: 'data' as const, data: { n: 1n } }] }
      yield { type: 'message.completed', message: message as never }
      yield { type: 'run.completed' }
    },
  }

  it.each([
    ['Responses', '/v1/responses', { model: 'odd', input: 'go', stream: true }, /event: error\ndata: (.*)\n/],
    [
      'ACP',
      '/acp/runs/stream',
      { agent_id: 'odd', input: { messages: [{ role: 'user', content: 'go' }] } },
      /data: (\{"type":"error".*)\n/,
    ],
  ] as const)(
    '%s: a bug mid-stream ends the stream with an error naming the request id, logged with where it was',
    async (_face, path, body, last) => {
      const lines: string[] = []
      const app = createBridge({ agents: [{ id: 'odd', backend: unwritable }], log: (l) => lines.push(l) })
      const res = await app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
      expect(res.status).toBe(200)
      const id = res.headers.get('x-request-id')
      const text = await res.text()
      const error = JSON.parse(last.exec(text)?.[1] ?? '{}') as { message?: string; description?: string }
      expect(error.message ?? error.description).toBe(`Internal error in the bridge (request ${id}).`)
      const logged = lines.filter((l) => l.startsWith('error:'))
      expect(logged).toHaveLength(1)
      expect(logged[0]).toContain(`error: POST ${path} [${id}]: TypeError`)
    },
  )

  // The vendor faces end such a stream in their own words too: TrueFoundry's `response.done` and `turn.done` with status
  // error, Orq's `agents.error` / `response.failed` (then `[DONE]`).
  it.each([
    [
      'TrueFoundry responses',
      'POST',
      '/truefoundry/agent/responses',
      { agent_name: 'odd', input: [{ role: 'user', content: 'go' }] },
    ],
    ['TrueFoundry turns', 'TURN', '', { input: [{ type: 'user.message', content: 'go' }] }],
    [
      'Orq stream-task',
      'POST',
      '/orq/v2/agents/odd/stream-task',
      { message: { role: 'user', parts: [{ kind: 'text', text: 'go' }] } },
    ],
    [
      'Orq responses',
      'POST',
      '/orq/v2/agents/odd/responses',
      { message: { role: 'user', parts: [{ kind: 'text', text: 'go' }] }, stream: true },
    ],
  ] as const)(
    "%s: a bug mid-stream ends the stream with the face's own error, naming the request id",
    async (face, how, path, body) => {
      const app = createBridge({ agents: [{ id: 'odd', backend: unwritable }], log: () => {} })
      const post = (url: string, json: unknown) =>
        app.request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(json),
        })
      let url: string = path
      if (how === 'TURN') {
        const session = (await (await post('/truefoundry/v1/agents/sessions', { agent_name: 'odd' })).json()) as {
          data: { id: string }
        }
        url = `/truefoundry/v1/agents/sessions/${session.data.id}/turns`
      }
      const res = await post(url, body)
      expect(res.status).toBe(200)
      const id = res.headers.get('x-request-id')
      const data = (await res.text())
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
      const orq = face.startsWith('Orq')
      expect(data.at(-1)).toBe(orq ? '[DONE]' : data.at(-1))
      const last = JSON.parse((orq ? data.at(-2) : data.at(-1)) ?? '{}')
      expect(JSON.stringify(last)).toContain(`Internal error in the bridge (request ${id}).`)
      expect(last.type).toBe(
        {
          'TrueFoundry responses': 'response.done',
          'TrueFoundry turns': 'turn.done',
          'Orq stream-task': 'agents.error',
          'Orq responses': 'response.failed',
        }[face],
      )
    },
  )

  it('every response carries a request id, errors or not', async () => {
    const { app } = bridge()
    const a = await app.request('/healthz')
    const b = await app.request('/healthz')
    expect(a.headers.get('x-request-id')).toMatch(/^req_/)
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'))
  })
})
