// Bad input to the A2A face over real HTTP: every mistake a client can make gets the A2A error for it, in the
// binding's own shape — JSON-RPC `{jsonrpc, id, error: {code, message, data}}` (v1: `data` is an array holding a
// google.rpc.ErrorInfo; v0.3: free-form) with HTTP 200 as the JS SDK does, or the HTTP+JSON google.rpc.Status body
// `{error: {code, status, message, details: [ErrorInfo]}}` with the HTTP status of the A2A error table (digest §9).
// Nothing may hang (every request has a 5 s deadline) and nothing may answer 5xx.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'
import { readAll } from '../helpers/sse.js'

const spec = specValidator('a2a')

const ERROR_INFO = 'type.googleapis.com/google.rpc.ErrorInfo'
const DOMAIN = 'a2a-protocol.org'

interface ErrorInfo {
  '@type': string
  reason: string
  domain: string
  metadata?: Record<string, string>
}
interface JsonRpcErrorBody {
  jsonrpc: string
  id: string | number | null
  error: { code: number; message: string; data?: unknown }
}
interface RestErrorBody {
  error: { code: number; status?: string; message: string; details?: { '@type': string }[] }
}
interface Task {
  id: string
  contextId?: string
  status: { state: string }
  artifacts?: { parts: { text?: string }[] }[]
}

/** The ErrorInfo reason each A2A JSON-RPC code carries (digest §9.1); the JSON-RPC protocol codes have none fixed. */
const REASON: Record<number, string> = {
  [-32001]: 'TASK_NOT_FOUND',
  [-32002]: 'TASK_NOT_CANCELABLE',
  [-32004]: 'UNSUPPORTED_OPERATION',
  [-32005]: 'CONTENT_TYPE_NOT_SUPPORTED',
  [-32009]: 'VERSION_NOT_SUPPORTED',
  [-32602]: 'INVALID_PARAMS',
}

/** The google.rpc status name of each reason over HTTP+JSON (A2A v1.0 §5.4, gRPC column). */
const GRPC_STATUS: Record<string, string> = {
  TASK_NOT_FOUND: 'NOT_FOUND',
  TASK_NOT_CANCELABLE: 'FAILED_PRECONDITION',
  UNSUPPORTED_OPERATION: 'UNIMPLEMENTED',
  CONTENT_TYPE_NOT_SUPPORTED: 'INVALID_ARGUMENT',
  VERSION_NOT_SUPPORTED: 'UNIMPLEMENTED',
  INVALID_PARAMS: 'INVALID_ARGUMENT',
}

let bridge: RunningBridge
/** Every request this file made and the status it got, to check afterwards that none was a 5xx or went unanswered. */
const seen: { what: string; status: number }[] = []
let started = 0

beforeAll(async () => {
  // 'demo' answers at once; 'slow' counts one word per 5 ms, so "count to 500" keeps a task working for seconds.
  bridge = await startBridge({ agents: [demoAgent(0), demoAgent(5, 'slow')] })
})
afterAll(() => bridge.close())

/** One request with a 5 s deadline (a hang fails the test instead of stalling the run). */
async function call(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  started++
  const res = await fetch(`${bridge.url}${path}`, { method, headers, body, signal: AbortSignal.timeout(5000) })
  seen.push({ what: `${method} ${path}`, status: res.status })
  return res
}

interface RpcOptions {
  /** The A2A-Version header: '1.0' by default; null sends none (what a v0.3 client does). */
  version?: string | null
  agent?: string
}

/** POSTs a JSON-RPC request (an object, or raw text) to an agent's URL. */
function rpc(body: unknown, { version = '1.0', agent = 'demo' }: RpcOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    ...(version === null ? {} : { 'a2a-version': version }),
  }
  return call('POST', `/a2a/${agent}`, typeof body === 'string' ? body : JSON.stringify(body), headers)
}

const request = (id: string | number, method: string, params?: unknown) => ({
  jsonrpc: '2.0',
  id,
  method,
  ...(params === undefined ? {} : { params }),
})

/** A v1 HTTP+JSON request under the demo agent's URL (A2A-Version 1.0 unless headers say otherwise). */
function rest(
  method: string,
  path: string,
  body?: string,
  headers: Record<string, string> = {},
  agent = 'demo',
): Promise<Response> {
  return call(method, `/a2a/${agent}${path}`, body, {
    'a2a-version': '1.0',
    ...(body === undefined ? {} : { 'content-type': 'application/a2a+json' }),
    ...headers,
  })
}

const message = (extra: Record<string, unknown> = {}) => ({
  messageId: crypto.randomUUID(),
  role: 'ROLE_USER',
  parts: [{ text: 'hello' }],
  ...extra,
})
const message03 = (extra: Record<string, unknown> = {}) => ({
  kind: 'message',
  messageId: crypto.randomUUID(),
  role: 'user',
  parts: [{ kind: 'text', text: 'hello' }],
  ...extra,
})

async function readJson(res: Response): Promise<{ text: string; body: unknown }> {
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    throw new Error(`not JSON (HTTP ${res.status}, ${res.headers.get('content-type')}): ${text.slice(0, 300)}`)
  }
  return { text, body }
}

/** The one event of an event stream, read as JSON. */
async function readOneEvent(res: Response): Promise<{ text: string; body: unknown }> {
  const events = await readAll(res)
  expect(events, JSON.stringify(events).slice(0, 300)).toHaveLength(1)
  return { text: events[0]?.data ?? '', body: JSON.parse(events[0]?.data ?? '') }
}

/**
 * Reads a JSON-RPC error response: HTTP 200, application/json, a valid JSONRPCErrorResponse with the code and id.
 * v1: `data` is an array holding one ErrorInfo of the A2A domain (returned); v0.3: `data` is absent or a plain object.
 */
async function expectRpcError(
  res: Response,
  code: number,
  {
    id,
    version = '1.0',
    stream = false,
  }: {
    id: string | number | null
    version?: '1.0' | '0.3' /** the error is the one event of a stream */
    stream?: boolean
  },
): Promise<{ error: JsonRpcErrorBody['error']; info: ErrorInfo | undefined }> {
  const { text, body } = stream ? await readOneEvent(res) : await readJson(res)
  expect(res.status, `body: ${text.slice(0, 300)}`).toBe(200)
  expect(res.headers.get('content-type')).toMatch(stream ? /^text\/event-stream/ : /^application\/json/)
  expect((body as { error?: unknown }).error, `expected a JSON-RPC error, got: ${text.slice(0, 300)}`).toBeDefined()
  expect(spec.errors('JSONRPCErrorResponse', body)).toBe('')
  const rpcBody = body as JsonRpcErrorBody
  expect(rpcBody.jsonrpc).toBe('2.0')
  expect(rpcBody.error.code, `body: ${text.slice(0, 300)}`).toBe(code)
  expect(rpcBody.id).toStrictEqual(id)
  expect(Object.keys(rpcBody).sort()).toEqual(['error', 'id', 'jsonrpc'])
  expect(rpcBody.error.message.length).toBeGreaterThan(0)
  const { data } = rpcBody.error
  if (version === '0.3') {
    // v0.3 has no ErrorInfo: `data` is free-form (an object such as {taskId}) or absent.
    if (data !== undefined) {
      expect(Array.isArray(data), `v0.3 data: ${JSON.stringify(data)}`).toBe(false)
      expect(typeof data).toBe('object')
    }
    return { error: rpcBody.error, info: undefined }
  }
  expect(Array.isArray(data), `v1 data must be an array: ${JSON.stringify(data)}`).toBe(true)
  const infos = (data as { '@type'?: unknown }[]).filter((d) => d['@type'] === ERROR_INFO)
  expect(infos).toHaveLength(1)
  const info = infos[0] as ErrorInfo
  expect(spec.errors('ErrorInfo', info)).toBe('')
  expect(info.domain).toBe(DOMAIN)
  const reason = REASON[code]
  if (reason) expect(info.reason).toBe(reason)
  else expect(info.reason).toMatch(/^[A-Z][A-Z0-9_]*$/)
  return { error: rpcBody.error, info }
}

/**
 * Reads an HTTP+JSON error: the status, application/json (§11.1), a valid A2AErrorResponse whose `code` is the status,
 * with a canonical status name and an ErrorInfo of the A2A domain (with `reason` when given) in `details`.
 */
async function expectRestError(
  res: Response,
  status: number,
  reason?: string,
): Promise<{ error: RestErrorBody['error']; info: ErrorInfo }> {
  const { text, body } = await readJson(res)
  expect(res.status, `body: ${text.slice(0, 300)}`).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  expect((body as { error?: unknown }).error, `expected an A2A error body, got: ${text.slice(0, 300)}`).toBeDefined()
  expect(spec.errors('A2AErrorResponse', body)).toBe('')
  const { error } = body as RestErrorBody
  expect(error.code).toBe(status)
  expect(error.status).toMatch(/^[A-Z][A-Z_]*$/)
  if (reason && GRPC_STATUS[reason]) expect(error.status).toBe(GRPC_STATUS[reason])
  expect(error.message.length).toBeGreaterThan(0)
  expect(Array.isArray(error.details), `details must be an array holding an ErrorInfo: ${text.slice(0, 300)}`).toBe(
    true,
  )
  const infos = (error.details ?? []).filter((d) => d['@type'] === ERROR_INFO)
  expect(infos).toHaveLength(1)
  const info = infos[0] as ErrorInfo
  expect(spec.errors('ErrorInfo', info)).toBe('')
  expect(info.domain).toBe(DOMAIN)
  if (reason) expect(info.reason).toBe(reason)
  return { error, info }
}

/** Sends a message to the demo agent and returns the finished task. */
async function completedTask(): Promise<Task> {
  const res = await rpc(request(1, 'SendMessage', { message: message() }))
  expect(res.status).toBe(200)
  const body = (await res.json()) as { result?: { task?: Task } }
  const task = body.result?.task
  expect(task?.status.state).toBe('TASK_STATE_COMPLETED')
  return task as Task
}

// ── JSON-RPC v1 ─────────────────────────────────────────────────────────────────────────────────────────────

describe('JSON-RPC: requests that are not JSON-RPC', () => {
  it('malformed JSON → -32700 with id null', async () => {
    const { error } = await expectRpcError(await rpc('{"jsonrpc": "2.0", "id": 1, "method":'), -32700, { id: null })
    expect(error.message).toMatch(/JSON/)
  })

  it('an empty body → -32700 with id null', async () => {
    await expectRpcError(await rpc(''), -32700, { id: null })
  })

  it.each([
    ['an array', '[{"jsonrpc":"2.0","id":1,"method":"GetTask"}]'],
    ['null', 'null'],
    ['a string', '"GetTask"'],
    ['a number', '42'],
  ])('a body that is %s → -32600 with id null', async (_name, body) => {
    const { error } = await expectRpcError(await rpc(body), -32600, { id: null })
    expect(error.message).toMatch(/object/)
  })

  it('jsonrpc missing → -32600, the id echoed', async () => {
    const { error } = await expectRpcError(await rpc({ id: 11, method: 'GetTask', params: { id: 'x' } }), -32600, {
      id: 11,
    })
    expect(error.message).toMatch(/jsonrpc/)
  })

  it("jsonrpc '1.0' → -32600, the id echoed", async () => {
    const { error } = await expectRpcError(
      await rpc({ jsonrpc: '1.0', id: 'one-oh', method: 'GetTask', params: { id: 'x' } }),
      -32600,
      { id: 'one-oh' },
    )
    expect(error.message).toMatch(/2\.0/)
  })

  it('jsonrpc 2 (a number, not "2.0") → -32600', async () => {
    await expectRpcError(await rpc({ jsonrpc: 2, id: 12, method: 'GetTask', params: { id: 'x' } }), -32600, { id: 12 })
  })

  it('method missing → -32600, the id echoed', async () => {
    const { error } = await expectRpcError(await rpc({ jsonrpc: '2.0', id: 13, params: { id: 'x' } }), -32600, {
      id: 13,
    })
    expect(error.message).toMatch(/method/)
  })

  it('method not a string → -32600', async () => {
    await expectRpcError(await rpc({ jsonrpc: '2.0', id: 14, method: 7 }), -32600, { id: 14 })
  })

  it.each([
    ['an object', { n: 1 }],
    ['an array', [1]],
    ['a boolean', true],
  ])('an id that is %s → -32600 with id null (it cannot be echoed)', async (_name, id) => {
    const { error } = await expectRpcError(
      await rpc({ jsonrpc: '2.0', id, method: 'GetTask', params: { id: 'x' } }),
      -32600,
      { id: null },
    )
    expect(error.message).toMatch(/\bid\b/)
  })
})

describe('JSON-RPC: unknown methods', () => {
  it.each(['NoSuchMethod', 'getTask', 'tasks/list', ''])('method %j → -32601 naming it', async (method) => {
    const { error } = await expectRpcError(await rpc(request(21, method, {})), -32601, { id: 21 })
    expect(error.message).toContain(`${method}`)
    expect(error.message).toMatch(/method/i)
  })
})

describe('JSON-RPC: invalid params (-32602, naming the field)', () => {
  interface Case {
    name: string
    method: string
    params: unknown
    /** What the message must mention. */
    mentions: string
  }
  const cases: Case[] = [
    { name: 'SendMessage without params', method: 'SendMessage', params: undefined, mentions: 'message' },
    { name: 'SendMessage without message', method: 'SendMessage', params: {}, mentions: 'message' },
    {
      name: 'SendMessage with params that are an array',
      method: 'SendMessage',
      params: [message()],
      mentions: 'params',
    },
    {
      name: 'a message without messageId',
      method: 'SendMessage',
      params: { message: { role: 'ROLE_USER', parts: [{ text: 'hi' }] } },
      mentions: 'messageId',
    },
    {
      name: 'a message with empty parts',
      method: 'SendMessage',
      params: { message: message({ parts: [] }) },
      mentions: 'parts',
    },
    {
      name: 'a part with no member',
      method: 'SendMessage',
      params: { message: message({ parts: [{}] }) },
      mentions: 'parts[0]',
    },
    {
      name: 'a part with only mediaType',
      method: 'SendMessage',
      params: { message: message({ parts: [{ text: 'ok' }, { mediaType: 'text/plain' }] }) },
      mentions: 'parts[1]',
    },
    {
      name: 'a message from ROLE_AGENT',
      method: 'SendMessage',
      params: { message: message({ role: 'ROLE_AGENT' }) },
      mentions: 'role',
    },
    {
      name: 'a message with an unknown role',
      method: 'SendMessage',
      params: { message: message({ role: 'robot' }) },
      mentions: 'role',
    },
    {
      name: 'SendStreamingMessage without message (an error, not a stream)',
      method: 'SendStreamingMessage',
      params: {},
      mentions: 'message',
    },
    { name: 'GetTask without id', method: 'GetTask', params: {}, mentions: 'params.id' },
    {
      name: 'GetTask with historyLength -1',
      method: 'GetTask',
      params: { id: 'whatever', historyLength: -1 },
      mentions: 'historyLength',
    },
    {
      name: 'GetTask with historyLength 1.5',
      method: 'GetTask',
      params: { id: 'whatever', historyLength: 1.5 },
      mentions: 'historyLength',
    },
    { name: 'ListTasks with pageSize 0', method: 'ListTasks', params: { pageSize: 0 }, mentions: 'pageSize' },
    { name: 'ListTasks with pageSize 101', method: 'ListTasks', params: { pageSize: 101 }, mentions: 'pageSize' },
    { name: "ListTasks with pageSize '10'", method: 'ListTasks', params: { pageSize: '10' }, mentions: 'pageSize' },
    {
      name: 'ListTasks with a pageToken it never gave out',
      method: 'ListTasks',
      params: { pageToken: 'bogus-token' },
      mentions: 'bogus-token',
    },
    {
      name: 'ListTasks with a negative pageToken',
      method: 'ListTasks',
      params: { pageToken: '-5' },
      mentions: 'pageToken',
    },
    { name: 'ListTasks with an unknown status', method: 'ListTasks', params: { status: 'DONE' }, mentions: 'status' },
    { name: 'CancelTask without id', method: 'CancelTask', params: {}, mentions: 'params.id' },
    {
      name: 'SubscribeToTask without id (an error, not a stream)',
      method: 'SubscribeToTask',
      params: {},
      mentions: 'params.id',
    },
  ]

  it.each(cases)('$name → -32602', async ({ method, params, mentions }) => {
    const { error } = await expectRpcError(await rpc(request(31, method, params)), -32602, { id: 31 })
    expect(error.message).toContain(mentions)
  })
})

describe('JSON-RPC: unknown tasks (-32001, naming the task)', () => {
  it.each([
    ['GetTask', { id: 'task-that-does-not-exist' }],
    ['CancelTask', { id: 'task-that-does-not-exist' }],
    ['SubscribeToTask', { id: 'task-that-does-not-exist' }],
    ['SendMessage', { message: message({ taskId: 'task-that-does-not-exist' }) }],
    ['SendStreamingMessage', { message: message({ taskId: 'task-that-does-not-exist' }) }],
  ])('%s → -32001', async (method, params) => {
    const { error, info } = await expectRpcError(await rpc(request('t-41', method, params)), -32001, { id: 't-41' })
    expect(error.message).toContain('task-that-does-not-exist')
    expect(info?.metadata?.taskId).toBe('task-that-does-not-exist')
  })

  it('a task of another agent is not found on this one', async () => {
    const res = await rpc(request(1, 'SendMessage', { message: message() }), { agent: 'slow' })
    const { result } = (await res.json()) as { result: { task: Task } }
    const { error } = await expectRpcError(await rpc(request(42, 'GetTask', { id: result.task.id })), -32001, {
      id: 42,
    })
    expect(error.message).toContain(result.task.id)
  })
})

describe('JSON-RPC: a completed task', () => {
  let task: Task
  beforeAll(async () => {
    task = await completedTask()
  })

  it('CancelTask → -32002 TaskNotCancelable, naming the task and its state', async () => {
    const { error, info } = await expectRpcError(await rpc(request(51, 'CancelTask', { id: task.id })), -32002, {
      id: 51,
    })
    expect(error.message).toContain(task.id)
    expect(error.message).toMatch(/completed/i)
    expect(info?.metadata?.taskId).toBe(task.id)
  })

  it('SendMessage to it → -32004 UnsupportedOperation', async () => {
    const { error, info } = await expectRpcError(
      await rpc(request(52, 'SendMessage', { message: message({ taskId: task.id }) })),
      -32004,
      { id: 52 },
    )
    expect(error.message).toContain(task.id)
    expect(error.message).toMatch(/completed/i)
    expect(info?.metadata?.taskId).toBe(task.id)
  })

  it('SendStreamingMessage to it → -32004 as a JSON error, not a stream', async () => {
    await expectRpcError(
      await rpc(request(53, 'SendStreamingMessage', { message: message({ taskId: task.id }) })),
      -32004,
      { id: 53 },
    )
  })

  it('SubscribeToTask → -32004 UnsupportedOperation (nothing left to subscribe to)', async () => {
    const { error } = await expectRpcError(await rpc(request(54, 'SubscribeToTask', { id: task.id })), -32004, {
      id: 54,
    })
    expect(error.message).toContain(task.id)
  })

  it('SendMessage naming it under another contextId → -32602', async () => {
    const { error } = await expectRpcError(
      await rpc(request(55, 'SendMessage', { message: message({ taskId: task.id, contextId: 'ctx-other' }) })),
      -32602,
      { id: 55 },
    )
    expect(error.message).toContain('ctx-other')
  })

  it('the rejected calls left the task as it was', async () => {
    const res = await rpc(request(56, 'GetTask', { id: task.id }))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { id: number; result: Task }
    expect(body.id).toBe(56)
    expect(body.result.status.state).toBe('TASK_STATE_COMPLETED')
  })
})

describe('JSON-RPC: a task that is still working', () => {
  let working: Task
  beforeAll(async () => {
    const res = await rpc(
      request(60, 'SendMessage', {
        message: message({ parts: [{ text: 'count to 500' }] }),
        configuration: { returnImmediately: true },
      }),
      { agent: 'slow' },
    )
    expect(res.status).toBe(200)
    working = ((await res.json()) as { result: { task: Task } }).result.task
    expect(['TASK_STATE_SUBMITTED', 'TASK_STATE_WORKING']).toContain(working.status.state)
  })
  afterAll(async () => {
    // Stop the count, so the bridge closes promptly.
    const res = await rpc(request(69, 'CancelTask', { id: working.id }), { agent: 'slow' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { result?: Task }
    expect(body.result?.status.state).toBe('TASK_STATE_CANCELED')
  })

  it('SendMessage to it → -32004 UnsupportedOperation (it takes a message only when it asks for input)', async () => {
    const { error, info } = await expectRpcError(
      await rpc(request(61, 'SendMessage', { message: message({ taskId: working.id }) }), { agent: 'slow' }),
      -32004,
      { id: 61 },
    )
    expect(error.message).toContain(working.id)
    expect(error.message).toMatch(/working/i)
    expect(info?.metadata?.taskId).toBe(working.id)
  })

  it('v0.3 message/send to it → -32004, data in the v0.3 form', async () => {
    const { error } = await expectRpcError(
      await rpc(request(62, 'message/send', { message: message03({ taskId: working.id }) }), {
        agent: 'slow',
        version: null,
      }),
      -32004,
      { id: 62, version: '0.3' },
    )
    expect(error.message).toContain(working.id)
    expect(error.data).toEqual({ taskId: working.id })
  })

  it('the rejected messages did not disturb it: it is still working', async () => {
    const res = await rpc(request(63, 'GetTask', { id: working.id, historyLength: 0 }), { agent: 'slow' })
    const body = (await res.json()) as { result: Task }
    expect(body.result.status.state).toBe('TASK_STATE_WORKING')
  })
})

describe('JSON-RPC: versions and agents', () => {
  it('A2A-Version: 2.0 → -32009 VersionNotSupported naming the version', async () => {
    const res = await rpc(request(71, 'GetTask', { id: 'x' }), { version: '2.0' })
    const { text, body } = await readJson(res)
    expect(res.status, text).toBe(200)
    expect(spec.errors('JSONRPCErrorResponse', body)).toBe('')
    const { error } = body as JsonRpcErrorBody
    expect(error.code).toBe(-32009)
    expect(error.message).toContain('2.0')
    const info = (error.data as ErrorInfo[])[0]
    expect(info).toMatchObject({ '@type': ERROR_INFO, reason: 'VERSION_NOT_SUPPORTED', domain: DOMAIN })
  })

  it('A2A-Version: 2.0 → -32009 also as the ?A2A-Version=2.0 query parameter', async () => {
    const res = await call('POST', '/a2a/demo?A2A-Version=2.0', JSON.stringify(request(72, 'GetTask', { id: 'x' })), {
      'content-type': 'application/json',
    })
    const { body } = await readJson(res)
    expect((body as JsonRpcErrorBody).error.code).toBe(-32009)
  })

  // jsonrpc.ts reads the version header (requestedVersion) before the body, so the id is still null when it throws.
  // JSON-RPC 2.0 allows id null only when the id could not be read; the JS SDK echoes req.body.id here.
  it('A2A-Version: 2.0 → -32009 echoes the request id (it answers id null, though the id was readable)', async () => {
    await expectRpcError(await rpc(request(73, 'GetTask', { id: 'x' }), { version: '2.0' }), -32009, { id: 73 })
  })

  it('a v1 method with A2A-Version: 0.3 → -32009, naming the method', async () => {
    const { error } = await expectRpcError(await rpc(request(74, 'GetTask', { id: 'x' }), { version: '0.3' }), -32009, {
      id: 74,
    })
    expect(error.message).toContain('GetTask')
  })

  it('POST /a2a/nope (no such agent) → HTTP 200, JSON-RPC -32601 naming the agent', async () => {
    const res = await rpc(request(75, 'GetTask', { id: 'x' }), { agent: 'nope' })
    const { text, body } = await readJson(res)
    expect(res.status, text).toBe(200)
    expect(spec.errors('JSONRPCErrorResponse', body)).toBe('')
    const { error } = body as JsonRpcErrorBody
    expect(error.code).toBe(-32601)
    expect(error.message).toContain("'nope'")
    const info = (error.data as ErrorInfo[])[0]
    expect(info).toMatchObject({ '@type': ERROR_INFO, domain: DOMAIN })
  })

  // routes.ts answers an unknown agent with jsonRpcErrorResponse(…, null, '1.0') without reading the body.
  it('POST /a2a/nope echoes the request id (it answers id null, though the body is a valid request)', async () => {
    await expectRpcError(await rpc(request('nope-1', 'GetTask', { id: 'x' }), { agent: 'nope' }), -32601, {
      id: 'nope-1',
    })
  })
})

describe('JSON-RPC: the request id is echoed, whatever the error', () => {
  const errors: [string, (id: string | number) => unknown, number][] = [
    ['InvalidRequest (jsonrpc 1.0)', (id) => ({ jsonrpc: '1.0', id, method: 'GetTask' }), -32600],
    ['MethodNotFound', (id) => request(id, 'Nope', {}), -32601],
    ['InvalidParams', (id) => request(id, 'SendMessage', {}), -32602],
    ['TaskNotFound', (id) => request(id, 'GetTask', { id: 'unknown-task' }), -32001],
    ['TaskNotFound from a stream method', (id) => request(id, 'SubscribeToTask', { id: 'unknown-task' }), -32001],
  ]
  const ids: (string | number)[] = [0, 7, -3, 2.5, 9007199254740991, '', 'abc', 'req-\u00e9\u2713']
  it.each(errors.flatMap(([name, make, code]) => ids.map((id) => [name, id, make, code] as const)))(
    '%s with id %j',
    async (_name, id, make, code) => {
      await expectRpcError(await rpc(make(id)), code, { id })
    },
  )

  it('a request without id (a notification) neither hangs nor fails with a 5xx', async () => {
    const res = await rpc({ jsonrpc: '2.0', method: 'GetTask', params: { id: 'unknown-task' } })
    await res.text()
    expect(res.status).toBeLessThan(500)
  })
})

// ── JSON-RPC v0.3 ───────────────────────────────────────────────────────────────────────────────────────────

describe('JSON-RPC v0.3: the same codes, data in the v0.3 form (no A2A-Version header)', () => {
  let task: Task
  beforeAll(async () => {
    task = await completedTask()
  })
  const v03 = { version: null }

  it('tasks/get of an unknown task → -32001, data {taskId}', async () => {
    const { error } = await expectRpcError(await rpc(request(81, 'tasks/get', { id: 'no-such-task' }), v03), -32001, {
      id: 81,
      version: '0.3',
    })
    expect(error.message).toContain('no-such-task')
    expect(error.data).toEqual({ taskId: 'no-such-task' })
  })

  it('tasks/cancel of an unknown task → -32001', async () => {
    const { error } = await expectRpcError(
      await rpc(request('c-82', 'tasks/cancel', { id: 'no-such-task' }), v03),
      -32001,
      { id: 'c-82', version: '0.3' },
    )
    expect(error.data).toEqual({ taskId: 'no-such-task' })
  })

  // The official SDK's server streams every tasks/resubscribe answer, errors too, and the v0.3 kit reads them so.
  it('tasks/resubscribe of an unknown task → -32001 as the one event of a stream', async () => {
    await expectRpcError(await rpc(request(83, 'tasks/resubscribe', { id: 'no-such-task' }), v03), -32001, {
      id: 83,
      version: '0.3',
      stream: true,
    })
  })

  it('message/send with an unknown taskId → -32001', async () => {
    const { error } = await expectRpcError(
      await rpc(request(84, 'message/send', { message: message03({ taskId: 'no-such-task' }) }), v03),
      -32001,
      { id: 84, version: '0.3' },
    )
    expect(error.message).toContain('no-such-task')
  })

  it('tasks/cancel of a completed task → -32002', async () => {
    const { error } = await expectRpcError(await rpc(request(85, 'tasks/cancel', { id: task.id }), v03), -32002, {
      id: 85,
      version: '0.3',
    })
    expect(error.message).toContain(task.id)
    expect(error.data).toEqual({ taskId: task.id })
  })

  it('message/send to a completed task → -32004', async () => {
    const { error } = await expectRpcError(
      await rpc(request(86, 'message/send', { message: message03({ taskId: task.id }) }), v03),
      -32004,
      { id: 86, version: '0.3' },
    )
    expect(error.message).toContain(task.id)
  })

  it('tasks/resubscribe to a completed task → -32004, in a stream', async () => {
    await expectRpcError(await rpc(request(87, 'tasks/resubscribe', { id: task.id }), v03), -32004, {
      id: 87,
      version: '0.3',
      stream: true,
    })
  })

  it.each([
    ['message/send without message', 'message/send', {}, 'message'],
    [
      'message/send without messageId',
      'message/send',
      { message: { kind: 'message', role: 'user', parts: [{ kind: 'text', text: 'hi' }] } },
      'messageId',
    ],
    ['message/send with empty parts', 'message/send', { message: message03({ parts: [] }) }, 'parts'],
    [
      'message/send with a part without kind',
      'message/send',
      { message: message03({ parts: [{ text: 'hi' }] }) },
      'parts[0]',
    ],
    ['message/send with a v1 role', 'message/send', { message: message03({ role: 'ROLE_USER' }) }, 'role'],
    ['tasks/get without id', 'tasks/get', {}, 'params.id'],
    ['tasks/cancel without id', 'tasks/cancel', {}, 'params.id'],
  ])('%s → -32602, data absent or an object', async (_name, method, params, mentions) => {
    const { error } = await expectRpcError(await rpc(request(88, method, params), v03), -32602, {
      id: 88,
      version: '0.3',
    })
    expect(error.message).toContain(mentions)
  })

  // operations.ts checks historyLength < 0 only in the v1 GetTask operation, not in 'tasks/get'.
  it('tasks/get with historyLength -1 → -32602 as GetTask does (v0.3 accepts it and answers the task)', async () => {
    const { error } = await expectRpcError(
      await rpc(request(89, 'tasks/get', { id: task.id, historyLength: -1 }), v03),
      -32602,
      { id: 89, version: '0.3' },
    )
    expect(error.message).toContain('historyLength')
  })

  it('an unknown v0.3-style method (tasks/list: v0.3 has no ListTasks over JSON-RPC) → -32601 naming it', async () => {
    // Which version an unknown method belongs to cannot be told from its name, so either form of `data` will do.
    const res = await rpc(request(90, 'tasks/list', {}), v03)
    const { text, body } = await readJson(res)
    expect(res.status, text).toBe(200)
    expect(spec.errors('JSONRPCErrorResponse', body)).toBe('')
    expect((body as JsonRpcErrorBody).id).toBe(90)
    expect((body as JsonRpcErrorBody).error.code).toBe(-32601)
    expect((body as JsonRpcErrorBody).error.message).toContain('tasks/list')
  })
})

// ── HTTP+JSON v1 ────────────────────────────────────────────────────────────────────────────────────────────

describe('HTTP+JSON: errors with the status of the A2A error table', () => {
  let task: Task
  beforeAll(async () => {
    task = await completedTask()
  })

  it('GET /tasks/unknown → 404 TASK_NOT_FOUND naming the task', async () => {
    const { error, info } = await expectRestError(await rest('GET', '/tasks/unknown-task'), 404, 'TASK_NOT_FOUND')
    expect(error.message).toContain('unknown-task')
    expect(info.metadata?.taskId).toBe('unknown-task')
  })

  it.each([
    ['POST', '/tasks/unknown-task:cancel'],
    ['GET', '/tasks/unknown-task:subscribe'],
    ['POST', '/tasks/unknown-task:subscribe'],
  ])('%s %s → 404 TASK_NOT_FOUND (a JSON error, not a stream)', async (method, path) => {
    await expectRestError(await rest(method, path), 404, 'TASK_NOT_FOUND')
  })

  it('POST /tasks/{completed}:cancel → 409 TASK_NOT_CANCELABLE', async () => {
    const { error, info } = await expectRestError(
      await rest('POST', `/tasks/${task.id}:cancel`),
      409,
      'TASK_NOT_CANCELABLE',
    )
    expect(error.message).toContain(task.id)
    expect(info.metadata?.taskId).toBe(task.id)
  })

  it('POST /tasks/{completed}:subscribe → 400 UNSUPPORTED_OPERATION', async () => {
    await expectRestError(await rest('POST', `/tasks/${task.id}:subscribe`), 400, 'UNSUPPORTED_OPERATION')
  })

  it('POST /message:send to a completed task → 400 UNSUPPORTED_OPERATION', async () => {
    const { error } = await expectRestError(
      await rest('POST', '/message:send', JSON.stringify({ message: message({ taskId: task.id }) })),
      400,
      'UNSUPPORTED_OPERATION',
    )
    expect(error.message).toContain(task.id)
  })

  it('POST /message:send with malformed JSON → 400', async () => {
    const { error } = await expectRestError(await rest('POST', '/message:send', '{"message": {'), 400, 'INVALID_PARAMS')
    expect(error.message).toMatch(/JSON/)
  })

  it('POST /message:send with Content-Type text/plain → 415 CONTENT_TYPE_NOT_SUPPORTED', async () => {
    const { error } = await expectRestError(
      await rest('POST', '/message:send', JSON.stringify({ message: message() }), { 'content-type': 'text/plain' }),
      415,
      'CONTENT_TYPE_NOT_SUPPORTED',
    )
    expect(error.message).toContain('text/plain')
  })

  it('POST /message:send with application/json is accepted (as the JS SDK does)', async () => {
    const res = await rest('POST', '/message:send', JSON.stringify({ message: message() }), {
      'content-type': 'application/json',
    })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { task?: Task }
    expect(body.task?.status.state).toBe('TASK_STATE_COMPLETED')
  })

  it('POST /message:send without message → 400 INVALID_PARAMS naming it', async () => {
    const { error } = await expectRestError(await rest('POST', '/message:send', '{}'), 400, 'INVALID_PARAMS')
    expect(error.message).toContain('message')
  })

  it('POST /message:send with no body → 400 INVALID_PARAMS', async () => {
    await expectRestError(
      await rest('POST', '/message:send', undefined, { 'content-type': 'application/a2a+json' }),
      400,
      'INVALID_PARAMS',
    )
  })

  it('POST /message:send with a message without messageId → 400 naming it', async () => {
    const { error } = await expectRestError(
      await rest('POST', '/message:send', JSON.stringify({ message: { role: 'ROLE_USER', parts: [{ text: 'x' }] } })),
      400,
      'INVALID_PARAMS',
    )
    expect(error.message).toContain('messageId')
  })

  it('POST /message:stream without message → 400 as JSON, not a stream', async () => {
    await expectRestError(await rest('POST', '/message:stream', '{}'), 400, 'INVALID_PARAMS')
  })

  it.each([
    ['/tasks?pageSize=abc', 'abc'],
    ['/tasks?pageSize=0', 'pageSize'],
    ['/tasks?pageSize=101', 'pageSize'],
    ['/tasks?pageSize=2.5', 'pageSize'],
    ['/tasks?pageToken=bogus-token', 'bogus-token'],
    ['/tasks?statusTimestampAfter=yesterday', 'statusTimestampAfter'],
    ['/tasks/some-task?historyLength=-1', 'historyLength'],
    ['/tasks/some-task?historyLength=lots', 'historyLength'],
  ])('GET %s → 400 INVALID_PARAMS', async (path, mentions) => {
    const { error } = await expectRestError(await rest('GET', path), 400, 'INVALID_PARAMS')
    expect(error.message).toContain(mentions)
  })

  it('A2A-Version: 2.0 → 400 VERSION_NOT_SUPPORTED', async () => {
    const { error } = await expectRestError(
      await rest('GET', `/tasks/${task.id}`, undefined, { 'a2a-version': '2.0' }),
      400,
      'VERSION_NOT_SUPPORTED',
    )
    expect(error.message).toContain('2.0')
  })

  it('?A2A-Version=2.0 → 400 VERSION_NOT_SUPPORTED', async () => {
    const res = await call('GET', `/a2a/demo/tasks/${task.id}?A2A-Version=2.0`)
    await expectRestError(res, 400, 'VERSION_NOT_SUPPORTED')
  })

  it('A2A-Version: 0.3 → 400 VERSION_NOT_SUPPORTED (v0.3 is served over JSON-RPC only)', async () => {
    const { error } = await expectRestError(
      await rest('GET', `/tasks/${task.id}`, undefined, { 'a2a-version': '0.3' }),
      400,
      'VERSION_NOT_SUPPORTED',
    )
    expect(error.message).toMatch(/JSON-RPC/)
  })

  it.each([
    ['GET', '/nope'],
    ['POST', '/message:nope'],
    ['GET', '/tasks/a/b/c'],
    ['POST', '/v1/message:send'],
  ])('unknown route %s %s → 404 in the A2A error shape, naming the route', async (method, path) => {
    const { error } = await expectRestError(await rest(method, path, method === 'POST' ? '{}' : undefined), 404)
    expect(error.message).toContain(path)
  })

  it('an unknown agent → 404 naming it', async () => {
    const { error } = await expectRestError(await rest('GET', '/tasks/x', undefined, {}, 'nope'), 404)
    expect(error.message).toContain("'nope'")
  })

  it.each([
    ['DELETE', '/message:send'],
    ['GET', '/message:stream'],
    ['PUT', '/tasks/x'],
    ['DELETE', '/tasks'],
  ])('%s %s (a known route, a wrong method) → 405 naming the method', async (method, path) => {
    const res = await rest(method, path)
    const { text, body } = await readJson(res)
    expect(res.status, text).toBe(405)
    expect(spec.errors('A2AErrorResponse', body)).toBe('')
    const { error } = body as RestErrorBody
    expect(error.code).toBe(405)
    expect(error.message).toContain(method)
    expect(error.message).toContain(path)
  })

  // rest.ts builds the 405 body by hand ({code, status, message}) instead of through restErrorBody, so it has no
  // ErrorInfo (digest §9.2: a REST error MUST include one) and no Allow header.
  it.each([
    ['DELETE', '/message:send'],
    ['PUT', '/tasks/x'],
  ])('%s %s → 405 carries an ErrorInfo in details like every other A2A error', async (method, path) => {
    await expectRestError(await rest(method, path), 405)
  })

  it('405 names the allowed methods in an Allow header (RFC 9110 §15.5.6)', async () => {
    const res = await rest('DELETE', '/message:send')
    await res.text()
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toMatch(/\bPOST\b/)
  })

  it('GET /extendedAgentCard without API keys configured → 400 UNSUPPORTED_OPERATION', async () => {
    const { error } = await expectRestError(await rest('GET', '/extendedAgentCard'), 400, 'UNSUPPORTED_OPERATION')
    expect(error.message).toMatch(/extended card/i)
  })

  it('GetExtendedAgentCard over JSON-RPC without API keys → -32004', async () => {
    await expectRpcError(await rpc(request(91, 'GetExtendedAgentCard', {})), -32004, { id: 91 })
  })
})

// ── Afterwards ──────────────────────────────────────────────────────────────────────────────────────────────

describe('after all of that', () => {
  it('the bridge still answers a normal SendMessage, over JSON-RPC and HTTP+JSON', async () => {
    const res = await rpc(request('last', 'SendMessage', { message: message() }))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { jsonrpc: string; id: string; result: { task: Task } }
    expect(body.id).toBe('last')
    expect(body.result.task.status.state).toBe('TASK_STATE_COMPLETED')
    expect(body.result.task.artifacts?.[0]?.parts[0]?.text).toMatch(/demo agent/)

    const got = await rest('GET', `/tasks/${body.result.task.id}`)
    expect(got.status).toBe(200)
    expect(((await got.json()) as Task).status.state).toBe('TASK_STATE_COMPLETED')

    const listed = await rest('GET', '/tasks?pageSize=1')
    expect(listed.status).toBe(200)
  })

  it('no request got a 5xx, and every request was answered', () => {
    expect(seen.length).toBeGreaterThan(100)
    expect(seen.length).toBe(started)
    expect(seen.filter((s) => s.status >= 500)).toEqual([])
  })
})
