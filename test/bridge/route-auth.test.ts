// Auth by route: every route the faces register (read from the app's own route table, so a new route cannot be
// forgotten) answers 401 without a key and with a wrong key, and never 401 with a right one; only the discovery
// documents, the index and the health check are public. Parameters are filled with values that once slipped
// through a substring check (`.well-known` as a thread id).
import { describe, expect, it } from 'vitest'
import { createBridge } from '../../src/bridge/index.js'

const KEY = 'right-key'
const bridge = createBridge({ agents: [{ id: 'demo', dialect: 'demo', delayMs: 0 }], apiKeys: [KEY] })

/** The routes meant to be reachable without a key. */
const PUBLIC = new Set([
  'GET /',
  'GET /healthz',
  'GET /.well-known/agent-card.json',
  'GET /a2a/:agent/.well-known/agent-card.json',
])

/** Each route pattern, with every parameter and wildcard filled in two ways: plain, and as the old bypass. */
function concrete(path: string): string[] {
  const fill = (value: string) =>
    path
      .replace(/:agent\b/g, 'demo')
      .replace(/:[A-Za-z]+/g, value)
      .replace(/\*/g, value)
  return [...new Set([fill('x1'), fill('.well-known')])]
}

const routes = [...new Set(bridge.routes.map((r) => `${r.method} ${r.path}`))]
  .filter((route) => !route.startsWith('ALL /*'))
  .flatMap((route) => {
    const [method = '', path = ''] = route.split(' ')
    const methods = method === 'ALL' ? ['GET', 'POST'] : [method]
    return methods.flatMap((m) => concrete(path).map((p) => ({ route, method: m, path: p })))
  })

const send = (method: string, path: string, key?: string) =>
  bridge.request(path, {
    method,
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    ...(method === 'GET' || method === 'DELETE' ? {} : { body: '{}' }),
  })

describe('every route is behind the key unless it is a discovery document', () => {
  it('the route table holds the routes of every face', () => {
    const paths = routes.map((r) => r.path)
    for (const prefix of ['/v1/', '/a2a/', '/acp/']) expect(paths.some((p) => p.startsWith(prefix))).toBe(true)
    expect(routes.length).toBeGreaterThan(40)
  })

  it.each(routes.filter((r) => !PUBLIC.has(r.route)))(
    '$method $path: 401 without a key, with a wrong key',
    async ({ method, path }) => {
      expect((await send(method, path)).status).toBe(401)
      expect((await send(method, path, 'wrong-key')).status).toBe(401)
    },
  )

  it.each(routes)('$method $path: never 401 with the right key', async ({ method, path }) => {
    expect((await send(method, path, KEY)).status).not.toBe(401)
  })

  it.each(routes.filter((r) => PUBLIC.has(r.route)))('$method $path: public', async ({ method, path }) => {
    expect((await send(method, path)).status).not.toBe(401)
  })

  it('a thread named .well-known runs nothing without a key', async () => {
    const fresh = createBridge({ agents: [{ id: 'demo', dialect: 'demo', delayMs: 0 }], apiKeys: [KEY] })
    for (const verb of ['runs/wait', 'runs/stream', 'runs', 'copy']) {
      const res = await fresh.request(`/acp/threads/.well-known/${verb}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          agent_id: 'demo',
          input: { messages: [{ role: 'user', content: 'hi' }] },
          if_not_exists: 'create',
        }),
      })
      expect(res.status).toBe(401)
    }
    expect((await fresh.request('/acp/threads/.well-known/history')).status).toBe(401)
    const runs = await fresh.runtime.store.listRuns({})
    expect(runs).toEqual([])
  })
})
