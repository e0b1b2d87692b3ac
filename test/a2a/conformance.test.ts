// What the A2A conformance kit (a2aproject/a2a-tck) found, as behaviour clients rely on: ProtoJSON field names,
// idempotent push config deletes, v0.3's `default` push config, the card per version with HTTP caching, and the
// content type and statuses of the v1.0 error table (§5.4, §11.1).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'

const spec = specValidator('a2a')
let bridge: RunningBridge
let agent: string

beforeAll(async () => {
  bridge = await startBridge({ agents: [demoAgent()], webhooks: { allowInsecure: true }, log: () => {} })
  agent = `${bridge.url}/a2a/demo`
})
afterAll(() => bridge.close())

interface RpcAnswer {
  result?: Record<string, unknown> & { task?: { id: string; history?: unknown[] } }
  error?: { code: number; message: string }
}

async function rpc(method: string, params: unknown, version: '1.0' | '0.3' = '1.0'): Promise<RpcAnswer> {
  const res = await fetch(agent, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(version === '1.0' ? { 'a2a-version': '1.0' } : {}) },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  })
  expect(res.status).toBe(200)
  return (await res.json()) as RpcAnswer
}

/** A finished task of the demo agent, sent with ProtoJSON names (`message_id`), as Python clients do. */
async function finishedTask(): Promise<{ id: string; history?: unknown[] }> {
  const answer = await rpc('SendMessage', {
    message: { message_id: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: 'hello' }] },
  })
  expect(answer.error).toBeUndefined()
  const task = answer.result?.task
  if (!task) throw new Error(`no task: ${JSON.stringify(answer)}`)
  return task
}

describe('ProtoJSON field names over JSON-RPC', () => {
  it('CreateTaskPushNotificationConfig takes task_id as taskId', async () => {
    const task = await finishedTask()
    const answer = await rpc('CreateTaskPushNotificationConfig', {
      task_id: task.id,
      id: 'hook-1',
      url: 'https://example.com/hook',
    })
    expect(answer.error).toBeUndefined()
    expect(answer.result).toMatchObject({ taskId: task.id, id: 'hook-1', url: 'https://example.com/hook' })
    expect(spec.errors('TaskPushNotificationConfig', answer.result)).toBe('')
  })

  it('GetTask takes history_length (0 leaves the history out, 1 keeps the last message)', async () => {
    const task = await finishedTask()
    const none = await rpc('GetTask', { id: task.id, history_length: 0 })
    expect(none.result?.history ?? []).toEqual([])
    const one = await rpc('GetTask', { id: task.id, history_length: 1 })
    expect(one.result?.history).toHaveLength(1)
  })

  it('keys inside metadata are the sender’s, kept as sent', async () => {
    const answer = await rpc('SendMessage', {
      message: {
        message_id: crypto.randomUUID(),
        role: 'ROLE_USER',
        parts: [{ text: 'hello' }],
        metadata: { trace_id: 'abc', nested_map: { some_key: 1 } },
      },
    })
    const history = (answer.result?.task?.history ?? []) as { metadata?: unknown }[]
    expect(history[0]?.metadata).toEqual({ trace_id: 'abc', nested_map: { some_key: 1 } })
  })

  it('a field sent both ways keeps its lowerCamel value', async () => {
    const task = await finishedTask()
    const answer = await rpc('GetTask', { id: task.id, historyLength: 1, history_length: 0 })
    expect(answer.result?.history).toHaveLength(1)
  })
})

describe('push notification configs', () => {
  it('a second DeletePushNotificationConfig of the same config succeeds (delete is idempotent, §3.1.10)', async () => {
    const task = await finishedTask()
    await rpc('CreateTaskPushNotificationConfig', { taskId: task.id, id: 'gone', url: 'https://example.com/h' })
    for (const attempt of [1, 2]) {
      const answer = await rpc('DeleteTaskPushNotificationConfig', { taskId: task.id, id: 'gone' })
      expect(answer.error, `delete ${attempt}`).toBeUndefined()
    }
    const rest = await fetch(`${agent}/tasks/${task.id}/pushNotificationConfigs/gone`, {
      method: 'DELETE',
      headers: { 'a2a-version': '1.0' },
    })
    expect(rest.status).toBe(204)
    const list = await rpc('ListTaskPushNotificationConfigs', { taskId: task.id })
    expect(list.result?.configs).toEqual([])
  })

  it('deleting a config of a task that does not exist is still TaskNotFound', async () => {
    const answer = await rpc('DeleteTaskPushNotificationConfig', { taskId: 'no-such-task', id: 'x' })
    expect(answer.error?.code).toBe(-32001)
  })

  it('v0.3: a config set without an id is the task’s `default` config', async () => {
    const task = await finishedTask()
    const set = await rpc(
      'tasks/pushNotificationConfig/set',
      { taskId: task.id, pushNotificationConfig: { url: 'https://example.com/v03' } },
      '0.3',
    )
    expect(set.result).toMatchObject({ taskId: task.id, pushNotificationConfig: { id: 'default' } })
    const get = await rpc(
      'tasks/pushNotificationConfig/get',
      { id: task.id, pushNotificationConfigId: 'default' },
      '0.3',
    )
    expect(get.result).toMatchObject({ pushNotificationConfig: { id: 'default', url: 'https://example.com/v03' } })
  })
})

describe('the agent card', () => {
  const card = (headers: Record<string, string> = {}) => fetch(`${agent}/.well-known/agent-card.json`, { headers })
  const V03_FIELDS = ['url', 'preferredTransport', 'protocolVersion']

  it('with A2A-Version: 1.0, the v1.0 card alone: every field one the v1.0 AgentCard declares', async () => {
    const res = await card({ 'a2a-version': '1.0' })
    const body = (await res.json()) as Record<string, unknown>
    expect(spec.errors('AgentCard', body)).toBe('')
    const declared = ['name', 'description', 'supportedInterfaces', 'provider', 'version', 'documentationUrl']
    declared.push('capabilities', 'securitySchemes', 'securityRequirements', 'defaultInputModes')
    declared.push('defaultOutputModes', 'skills', 'signatures', 'iconUrl')
    expect(Object.keys(body).filter((k) => !declared.includes(k))).toEqual([])
  })

  it('without the header (a v0.3 client, §3.6), the v0.3 fields are there too', async () => {
    const body = (await (await card()).json()) as Record<string, unknown>
    for (const field of V03_FIELDS) expect(body[field], field).toBeDefined()
    expect(body.url).toBe(agent)
    // A version we do not speak still gets a card: discovery never fails.
    expect((await card({ 'a2a-version': '9.9' })).status).toBe(200)
  })

  it('carries Cache-Control, an ETag, Last-Modified and Vary: A2A-Version; each version has its own ETag', async () => {
    const v03 = await card()
    const v1 = await card({ 'a2a-version': '1.0' })
    for (const res of [v03, v1]) {
      expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/)
      expect(res.headers.get('etag')).toMatch(/^"[^"]+"$/)
      expect(Number.isNaN(Date.parse(res.headers.get('last-modified') ?? ''))).toBe(false)
      expect(res.headers.get('vary')).toMatch(/A2A-Version/i)
    }
    expect(v1.headers.get('etag')).not.toBe(v03.headers.get('etag'))
    // Same content, same validators.
    const again = await card({ 'a2a-version': '1.0' })
    expect(again.headers.get('etag')).toBe(v1.headers.get('etag'))
    expect(again.headers.get('last-modified')).toBe(v1.headers.get('last-modified'))
  })

  it('answers 304 to If-None-Match with its ETag, and to If-Modified-Since not before its Last-Modified', async () => {
    const first = await card({ 'a2a-version': '1.0' })
    const tag = first.headers.get('etag') ?? ''
    const modified = first.headers.get('last-modified') ?? ''

    const byTag = await card({ 'a2a-version': '1.0', 'if-none-match': tag })
    expect(byTag.status).toBe(304)
    expect(byTag.headers.get('etag')).toBe(tag)
    expect(byTag.headers.get('last-modified')).toBe(modified)
    expect(await byTag.text()).toBe('')

    expect((await card({ 'a2a-version': '1.0', 'if-none-match': '"other"' })).status).toBe(200)
    expect((await card({ 'a2a-version': '1.0', 'if-modified-since': modified })).status).toBe(304)
    const before = new Date(Date.parse(modified) - 60_000).toUTCString()
    expect((await card({ 'a2a-version': '1.0', 'if-modified-since': before })).status).toBe(200)
    // If-None-Match wins over If-Modified-Since (RFC 9110 §13.1.3).
    expect(
      (await card({ 'a2a-version': '1.0', 'if-none-match': '"other"', 'if-modified-since': modified })).status,
    ).toBe(200)
    // The v0.3 card's ETag is not the v1.0 card's.
    expect((await card({ 'if-none-match': tag })).status).toBe(200)
  })

  it('ignores an If-Modified-Since that is not an HTTP date (RFC 9110 §13.1.3)', async () => {
    for (const value of ['2030', 'tomorrow', '2099-01-01T00:00:00Z']) {
      expect((await card({ 'a2a-version': '1.0', 'if-modified-since': value })).status, value).toBe(200)
    }
  })

  it('a 304 keeps the CORS headers of its 200, by either validator, so a browser client can read it', async () => {
    const browser = await startBridge({
      agents: [demoAgent()],
      log: () => {},
      cors: { origins: ['https://app.example'] },
    })
    try {
      const url = `${browser.url}/a2a/demo/.well-known/agent-card.json`
      const headers = { origin: 'https://app.example', 'a2a-version': '1.0' }
      const first = await fetch(url, { headers })
      await first.text()
      const allowed = first.headers.get('access-control-allow-origin')
      expect(allowed).toBe('https://app.example')
      const validators: Record<string, string>[] = [
        { 'if-none-match': first.headers.get('etag') ?? '' },
        { 'if-modified-since': first.headers.get('last-modified') ?? '' },
      ]
      for (const validator of validators) {
        const res = await fetch(url, { headers: { ...headers, ...validator } })
        expect(res.status, JSON.stringify(validator)).toBe(304)
        expect(res.headers.get('access-control-allow-origin')).toBe(allowed)
        expect(res.headers.get('access-control-expose-headers')).toBe(
          first.headers.get('access-control-expose-headers'),
        )
        expect(res.headers.get('etag')).toBe(first.headers.get('etag'))
        expect(res.headers.get('content-type')).toBeNull()
      }
    } finally {
      await browser.close()
    }
  })

  it('the default agent’s card at the root is cached the same way', async () => {
    const res = await fetch(`${bridge.url}/.well-known/agent-card.json`, { headers: { 'a2a-version': '1.0' } })
    const tag = res.headers.get('etag') ?? ''
    expect(tag).not.toBe('')
    const again = await fetch(`${bridge.url}/.well-known/agent-card.json`, {
      headers: { 'a2a-version': '1.0', 'if-none-match': tag },
    })
    expect(again.status).toBe(304)
  })
})

describe('HTTP+JSON content type and statuses (§11.1, §5.4)', () => {
  it('answers application/json, success and error alike, and takes application/a2a+json requests', async () => {
    const ok = await fetch(`${agent}/message:send`, {
      method: 'POST',
      headers: { 'content-type': 'application/a2a+json', 'a2a-version': '1.0' },
      body: JSON.stringify({ message: { messageId: crypto.randomUUID(), role: 'ROLE_USER', parts: [{ text: 'hi' }] } }),
    })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('content-type')).toMatch(/^application\/json/)
    const missing = await fetch(`${agent}/tasks/no-such-task`, { headers: { 'a2a-version': '1.0' } })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/)
  })

  it('an unsupported request content type is 415 ContentTypeNotSupported', async () => {
    const res = await fetch(`${agent}/message:send`, {
      method: 'POST',
      headers: { 'content-type': 'application/xml', 'a2a-version': '1.0' },
      body: '<message/>',
    })
    expect(res.status).toBe(415)
    const body = (await res.json()) as { error: { code: number; details: { reason: string }[] } }
    expect(body.error.code).toBe(415)
    expect(body.error.details[0]?.reason).toBe('CONTENT_TYPE_NOT_SUPPORTED')
  })

  it('canceling a finished task is 409 TaskNotCancelable', async () => {
    const task = await finishedTask()
    const res = await fetch(`${agent}/tasks/${task.id}:cancel`, { method: 'POST', headers: { 'a2a-version': '1.0' } })
    expect(res.status).toBe(409)
  })
})
