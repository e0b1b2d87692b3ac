// Each API key is a principal: what one creates (responses, tasks, runs, threads, push configs, conversations) the
// other can neither list, read, join, cancel, delete nor continue; to it they do not exist (not found, in each
// dialect's own format). Without keys there is one principal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'

let bridge: RunningBridge
const A = { authorization: 'Bearer key-a' }
const B = { authorization: 'Bearer key-b' }

const call = (method: string, path: string, who: Record<string, string>, body?: unknown) =>
  fetch(`${bridge.url}${path}`, {
    method,
    headers: { ...who, ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'a2a-version': '1.0' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
// biome-ignore lint/suspicious/noExplicitAny: three dialects' JSON, read field by field in the assertions.
const json = async (res: Response) => ({ status: res.status, body: (await res.json()) as any })
const rpc = async (who: Record<string, string>, method: string, params: unknown) =>
  (await json(await call('POST', '/a2a/demo', who, { jsonrpc: '2.0', id: 1, method, params }))).body

// What A made, created once.
const made = { response: '', paused: '', task: '', context: '', run: '', thread: '' }

beforeAll(async () => {
  bridge = await startBridge({
    apiKeys: [
      { key: 'key-a', name: 'team-a' },
      { key: 'key-b', name: 'team-b' },
    ],
  })
  made.response = (await json(await call('POST', '/v1/responses', A, { model: 'demo', input: 'hello' }))).body.id
  made.paused = (
    await json(
      await call('POST', '/v1/responses', A, { model: 'demo', input: 'deploy to production', background: true }),
    )
  ).body.id
  const sent = await rpc(A, 'SendMessage', {
    message: { messageId: 'm1', role: 'ROLE_USER', parts: [{ text: 'deploy to production' }] },
  })
  made.task = sent.result.task.id
  made.context = sent.result.task.contextId
  const thread = (await json(await call('POST', '/acp/threads', A, {}))).body
  made.thread = thread.thread_id
  const run = (
    await json(
      await call('POST', `/acp/threads/${made.thread}/runs/wait`, A, {
        agent_id: 'demo',
        input: { messages: [{ role: 'user', content: 'deploy to production' }] },
      }),
    )
  ).body
  made.run = run.run.run_id
})
afterAll(() => bridge.close())

describe('another principal sees nothing of what one made', () => {
  it('Responses: get, stream, cancel, delete and continue are not found', async () => {
    for (const [method, path] of [
      ['GET', `/v1/responses/${made.response}`],
      ['GET', `/v1/responses/${made.response}?stream=true`],
      ['POST', `/v1/responses/${made.paused}/cancel`],
      ['DELETE', `/v1/responses/${made.response}`],
    ] as const) {
      const res = await call(method, path, B)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect((await res.json()) as object).toMatchObject({ error: { type: 'invalid_request_error' } })
    }
    const follow = await json(
      await call('POST', '/v1/responses', B, { model: 'demo', input: 'and?', previous_response_id: made.response }),
    )
    expect(follow.status).toBe(400)
    expect(follow.body.error.code).toBe('previous_response_not_found')
    // Still there for A.
    expect((await call('GET', `/v1/responses/${made.response}`, A)).status).toBe(200)
  })

  it('A2A: get, list, cancel, subscribe, push configs and the conversation are not found', async () => {
    expect((await rpc(B, 'GetTask', { id: made.task })).error.code).toBe(-32001)
    expect((await rpc(B, 'CancelTask', { id: made.task })).error.code).toBe(-32001)
    expect((await rpc(B, 'ListTasks', {})).result.tasks).toEqual([])
    expect(
      (await rpc(B, 'CreateTaskPushNotificationConfig', { taskId: made.task, url: 'https://hooks.example/x' })).error
        .code,
    ).toBe(-32001)
    const subscribe = await call('POST', `/a2a/demo/tasks/${made.task}:subscribe`, B)
    expect(subscribe.status).toBe(404)
    const joined = await rpc(B, 'SendMessage', {
      message: { messageId: 'm9', role: 'ROLE_USER', contextId: made.context, parts: [{ text: 'what did I say?' }] },
    })
    expect(joined.error?.code).toBe(-32001)
    // A still has all of it.
    expect((await rpc(A, 'GetTask', { id: made.task })).result.id).toBe(made.task)
    expect((await rpc(A, 'ListTasks', {})).result.tasks.map((t: { id: string }) => t.id)).toContain(made.task)
  })

  it('ACP: runs and threads are not found, not listed, not deleted, not joined', async () => {
    for (const [method, path] of [
      ['GET', `/acp/runs/${made.run}`],
      ['GET', `/acp/runs/${made.run}/wait`],
      ['GET', `/acp/runs/${made.run}/stream`],
      ['POST', `/acp/runs/${made.run}/cancel`],
      ['DELETE', `/acp/runs/${made.run}`],
      ['GET', `/acp/threads/${made.thread}`],
      ['GET', `/acp/threads/${made.thread}/history`],
      ['GET', `/acp/threads/${made.thread}/runs`],
      ['POST', `/acp/threads/${made.thread}/copy`],
      ['DELETE', `/acp/threads/${made.thread}`],
    ] as const) {
      const res = await call(method, path, B)
      expect(res.status, `${method} ${path}`).toBe(404)
      expect(typeof (await res.json()), `${method} ${path}`).toBe('string')
    }
    const resume = await call('POST', `/acp/runs/${made.run}`, B, { approved: true })
    expect(resume.status).toBe(404)
    expect((await json(await call('POST', '/acp/runs/search', B, {}))).body).toEqual([])
    expect((await json(await call('POST', '/acp/threads/search', B, {}))).body).toEqual([])
    // B naming A's thread in a run creates nothing in A's conversation.
    const run = await call('POST', `/acp/threads/${made.thread}/runs/wait`, B, {
      agent_id: 'demo',
      input: { messages: [{ role: 'user', content: 'hello' }] },
      if_not_exists: 'create',
    })
    expect(run.status).toBe(404)
    // A's run and thread are untouched.
    expect((await json(await call('GET', `/acp/runs/${made.run}`, A))).body.status).toBe('interrupted')
    expect((await json(await call('POST', '/acp/runs/search', A, {}))).body.length).toBeGreaterThan(0)
  })

  it('a conversation stays its first user’s after its runs are gone', async () => {
    const thread = (await json(await call('POST', '/acp/threads', A, {}))).body.thread_id
    const wait = (who: Record<string, string>) =>
      call('POST', `/acp/threads/${thread}/runs/wait`, who, {
        agent_id: 'demo',
        input: { messages: [{ role: 'user', content: 'my secret is 42' }] },
        if_not_exists: 'create',
      })
    const first = await json(await wait(A))
    expect(first.status).toBe(200)
    expect((await call('DELETE', `/acp/runs/${first.body.run.run_id}`, A)).status).toBe(204)
    // No run of A's is left in the conversation, but its history is, and it is still A's alone.
    expect((await wait(B)).status).toBe(404)
    expect((await wait(A)).status).toBe(200)
  })
})

describe('principals from keys', () => {
  it('a plain key is a principal of its own too, named without revealing it', async () => {
    const plain = await startBridge({ apiKeys: ['plain-one', 'plain-two'] })
    try {
      const one = { authorization: 'Bearer plain-one' }
      const two = { authorization: 'Bearer plain-two' }
      const created = (await await fetch(`${plain.url}/v1/responses`, {
        method: 'POST',
        headers: { ...one, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'demo', input: 'hello' }),
      }).then((r) => r.json())) as { id: string }
      expect((await fetch(`${plain.url}/v1/responses/${created.id}`, { headers: two })).status).toBe(404)
      expect((await fetch(`${plain.url}/v1/responses/${created.id}`, { headers: one })).status).toBe(200)
      const [record] = await plain.bridge.runtime.store.listRuns({})
      expect(record?.owner).toMatch(/^key:[0-9a-f]{12}$/)
      expect(record?.owner).not.toContain('plain')
    } finally {
      await plain.close()
    }
  })
})
