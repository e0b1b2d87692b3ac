// An internal error (a bug) is logged once with its stack and the request's id; the client gets its dialect's own
// error naming that id, and the same id in the x-request-id header, so an operator can match the two.
import { describe, expect, it } from 'vitest'
import { createBridge } from '../../src/bridge/index.js'
import type { AgentBackend } from '../../src/core/index.js'

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

  it('every response carries a request id, errors or not', async () => {
    const { app } = bridge()
    const a = await app.request('/healthz')
    const b = await app.request('/healthz')
    expect(a.headers.get('x-request-id')).toMatch(/^req_/)
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'))
  })
})
