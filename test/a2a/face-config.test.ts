import { afterEach, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'
import { postJson } from '../helpers/sse.js'

const spec = specValidator('a2a')
const running: RunningBridge[] = []
const start = async (...args: Parameters<typeof startBridge>) => {
  const b = await startBridge(...args)
  running.push(b)
  return b
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((b) => b.close()))
})

type Card = {
  supportedInterfaces: { url: string }[]
  capabilities: { extendedAgentCard?: boolean }
  securitySchemes?: object
  url?: string
}
const card = async (url: string, headers: Record<string, string> = {}) =>
  (await (await fetch(url, { headers })).json()) as Card
const rpc = (url: string, method: string, params: unknown, headers: Record<string, string> = {}) =>
  postJson(url, { jsonrpc: '2.0', id: 1, method, params }, { 'a2a-version': '1.0', ...headers })

describe('the A2A face and its agent card', () => {
  it('points the card at the request origin, or at the configured base URL', async () => {
    const plain = await start()
    const a = await card(`${plain.url}/a2a/demo/.well-known/agent-card.json`)
    expect(spec.errors('AgentCard', a)).toBe('')
    expect(a.supportedInterfaces.every((i) => i.url === `${plain.url}/a2a/demo`)).toBe(true)
    expect(a.url).toBe(`${plain.url}/a2a/demo`)

    const configured = await start({ baseUrl: 'https://agents.example.com/' })
    const b = await card(`${configured.url}/a2a/demo/.well-known/agent-card.json`)
    expect(b.supportedInterfaces.map((i) => i.url)).toEqual(Array(3).fill('https://agents.example.com/a2a/demo'))
  })

  it('honours X-Forwarded-Host only when trustProxy is set', async () => {
    const forwarded = { 'x-forwarded-host': 'public.example.org', 'x-forwarded-proto': 'https' }
    const untrusting = await start()
    expect(
      (await card(`${untrusting.url}/a2a/demo/.well-known/agent-card.json`, forwarded)).supportedInterfaces[0]?.url,
    ).toBe(`${untrusting.url}/a2a/demo`)
    const trusting = await start({ trustProxy: true })
    expect(
      (await card(`${trusting.url}/a2a/demo/.well-known/agent-card.json`, forwarded)).supportedInterfaces[0]?.url,
    ).toBe('https://public.example.org/a2a/demo')
  })

  it('serves the default agent card at the root well-known path', async () => {
    const b = await start({ agents: [demoAgent(0, 'first'), demoAgent(0, 'second')] })
    const root = await card(`${b.url}/.well-known/agent-card.json`)
    expect(root.supportedInterfaces[0]?.url).toBe(`${b.url}/a2a/first`)
  })

  it('with API keys: the card stays public, says how to authenticate, and offers the extended card', async () => {
    const b = await start({ apiKeys: ['secret'] })
    const res = await fetch(`${b.url}/a2a/demo/.well-known/agent-card.json`)
    expect(res.status).toBe(200)
    const c = (await res.json()) as Card
    expect(c.capabilities.extendedAgentCard).toBe(true)
    expect(c.securitySchemes).toBeDefined()
    expect(spec.errors('AgentCard', c)).toBe('')

    const refused = await rpc(`${b.url}/a2a/demo`, 'GetTask', { id: 'x' })
    expect(refused.status).toBe(401)
    expect(spec.errors('JSONRPCErrorResponse', await refused.json())).toBe('')

    const extended = await rpc(`${b.url}/a2a/demo`, 'GetExtendedAgentCard', {}, { 'x-api-key': 'secret' })
    const body = (await extended.json()) as { result: unknown }
    expect(spec.errors('AgentCard', body.result)).toBe('')
    const rest = await fetch(`${b.url}/a2a/demo/extendedAgentCard`, {
      headers: { authorization: 'Bearer secret', 'a2a-version': '1.0' },
    })
    expect(rest.status).toBe(200)
    expect((await fetch(`${b.url}/a2a/demo/extendedAgentCard`)).status).toBe(401)
  })

  it('refuses push URLs that are not https to a public host, unless allowed', async () => {
    const strict = await start({ agents: [demoAgent(5)] })
    const task = (await (
      await rpc(`${strict.url}/a2a/demo`, 'SendMessage', {
        message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text: 'count to 100' }] },
        configuration: { returnImmediately: true },
      })
    ).json()) as { result: { task: { id: string } } }
    for (const url of [
      'http://example.com/hook',
      'https://127.0.0.1/hook',
      'https://localhost:8443/hook',
      'https://10.0.0.5/hook',
      'ftp://example.com/x',
    ]) {
      const res = await rpc(`${strict.url}/a2a/demo`, 'CreateTaskPushNotificationConfig', {
        taskId: task.result.task.id,
        url,
      })
      const body = (await res.json()) as { error?: { code: number } }
      expect(body.error?.code).toBe(-32602)
    }
    const ok = await rpc(`${strict.url}/a2a/demo`, 'CreateTaskPushNotificationConfig', {
      taskId: task.result.task.id,
      url: 'https://hooks.example.com/a2a',
    })
    expect(((await ok.json()) as { result?: { id?: string } }).result?.id).toMatch(/^push_/)

    const listed = await start({ agents: [demoAgent(5)], webhooks: { allowHosts: ['127.0.0.1:7777'] } })
    const t2 = (await (
      await rpc(`${listed.url}/a2a/demo`, 'SendMessage', {
        message: { messageId: 'm', role: 'ROLE_USER', parts: [{ text: 'count to 100' }] },
        configuration: { returnImmediately: true },
      })
    ).json()) as { result: { task: { id: string } } }
    const allowed = await rpc(`${listed.url}/a2a/demo`, 'CreateTaskPushNotificationConfig', {
      taskId: t2.result.task.id,
      url: 'http://127.0.0.1:7777/hook',
    })
    expect(((await allowed.json()) as { result?: unknown }).result).toBeDefined()
  })
})
