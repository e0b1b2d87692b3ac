// Bad input to the ACP face: every error is the spec's ErrorResponse (a bare JSON string) with the status the spec
// declares (404 unknown, 409 conflict, 422 invalid), nothing is a 500, and nothing hangs (every request has a
// timeout). Afterwards the bridge still serves normal runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { demoAgent, startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'

const spec = specValidator('acp')
const TIMEOUT_MS = 5_000

let bridge: RunningBridge
/** A bridge with default options: no webhooks policy, the demo agent only. */
let strict: RunningBridge

beforeAll(async () => {
  bridge = await startBridge({ agents: [demoAgent(0), demoAgent(3, 'slow')], webhooks: { allowInsecure: true } })
  strict = await startBridge()
})
afterAll(async () => {
  await Promise.all([bridge.close(), strict.close()])
})

interface Answer {
  status: number
  contentType: string
  text: string
  body: unknown
}

/** A raw body (sent as is) rather than a value to serialise. */
const raw = (text: string) => ({ raw: text })

/** One request to the ACP face, body read in full, all within TIMEOUT_MS. Never a 5xx. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  options: { base?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const isRaw = typeof body === 'object' && body !== null && 'raw' in body && Object.keys(body).length === 1
  const text = body === undefined ? undefined : isRaw ? (body as { raw: string }).raw : JSON.stringify(body)
  const hung = (e: unknown) => {
    throw (e as Error).name === 'TimeoutError'
      ? new Error(`${method} ${path} hangs: no complete answer within ${TIMEOUT_MS} ms`)
      : e
  }
  const res = await fetch(`${options.base ?? bridge.url}/acp${path}`, {
    method,
    headers: { ...(text !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    ...(text !== undefined ? { body: text } : {}),
    signal: AbortSignal.timeout(TIMEOUT_MS),
  }).catch(hung)
  const answer = await res.text().catch(hung)
  let parsed: unknown
  try {
    parsed = answer ? JSON.parse(answer) : undefined
  } catch {
    parsed = undefined
  }
  expect(res.status, `${method} ${path} → ${res.status} ${answer}`).toBeLessThan(500)
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', text: answer, body: parsed }
}

/** The answer is an ErrorResponse with `status`: JSON, a bare non-empty string. */
function expectError(answer: Answer, status: number, what = '') {
  expect(answer.status, `${what} → ${answer.text}`).toBe(status)
  expect(answer.contentType, what).toMatch(/^application\/json/)
  expect(spec.errors('ErrorResponse', answer.body), `${what}: ${answer.text}`).toBe('')
  expect(typeof answer.body).toBe('string')
  expect((answer.body as string).length).toBeGreaterThan(0)
}

const input = (text: string) => ({ messages: [{ role: 'user', content: text }] })

async function waited(path: string, body: unknown) {
  const answer = await call('POST', path, body)
  expect(answer.status, answer.text).toBe(200)
  return answer.body as {
    run: { run_id: string; status: string; thread_id?: string }
    output?: { type: string; values?: { text?: string }; errcode?: number }
  }
}

async function newThread(): Promise<string> {
  const answer = await call('POST', '/threads', {})
  expect(answer.status).toBe(200)
  return (answer.body as { thread_id: string }).thread_id
}

/** A slow background run (about a second of counting): pending while the test pokes at it. */
async function slowRun(path = '/runs'): Promise<string> {
  const answer = await call('POST', path, { agent_id: 'slow', input: input('count to 300') })
  expect(answer.status, answer.text).toBe(200)
  expect((answer.body as { status: string }).status).toBe('pending')
  return (answer.body as { run_id: string }).run_id
}

const runStatus = async (runId: string) => ((await call('GET', `/runs/${runId}`)).body as { status: string }).status

describe('ACP bad input: unknown agents, runs and threads → 404', () => {
  it('agents', async () => {
    const unknown = crypto.randomUUID()
    for (const path of [
      `/agents/${unknown}`,
      `/agents/${unknown}/descriptor`,
      '/agents/nobody',
      '/agents/nobody/descriptor',
    ])
      expectError(await call('GET', path), 404, path)
    // A run for an unknown agent.
    for (const path of ['/runs', '/runs/wait', '/runs/stream'])
      expectError(await call('POST', path, { agent_id: unknown, input: input('hello') }), 404, path)
    const tid = await newThread()
    for (const path of [`/threads/${tid}/runs`, `/threads/${tid}/runs/wait`, `/threads/${tid}/runs/stream`])
      expectError(await call('POST', path, { agent_id: 'nobody', input: input('hello') }), 404, path)
  })

  it('stateless runs', async () => {
    for (const id of [crypto.randomUUID(), 'not-a-uuid']) {
      const checks: [string, string, unknown?][] = [
        ['GET', `/runs/${id}`],
        ['POST', `/runs/${id}`, { approved: true }],
        ['DELETE', `/runs/${id}`],
        ['GET', `/runs/${id}/wait`],
        ['GET', `/runs/${id}/stream`],
        ['POST', `/runs/${id}/cancel`],
        ['POST', `/runs/${id}/cancel?action=rollback`],
      ]
      for (const [method, path, body] of checks) expectError(await call(method, path, body), 404, `${method} ${path}`)
    }
  })

  it('threads and thread runs', async () => {
    const unknown = crypto.randomUUID()
    const tid = await newThread()
    const other = await newThread()
    const foreign = (await waited(`/threads/${other}/runs/wait`, { input: input('hello') })).run.run_id
    const checks: [string, string, unknown?][] = [
      ['GET', `/threads/${unknown}`],
      ['PATCH', `/threads/${unknown}`, { metadata: { a: 1 } }],
      ['DELETE', `/threads/${unknown}`],
      ['GET', `/threads/${unknown}/history`],
      ['POST', `/threads/${unknown}/copy`],
      ['GET', `/threads/${unknown}/runs`],
      ['POST', `/threads/${unknown}/runs`, { input: input('hello') }],
      ['POST', `/threads/${unknown}/runs/wait`, { input: input('hello') }],
      ['POST', `/threads/${unknown}/runs/stream`, { input: input('hello') }],
      ['POST', `/threads/${unknown}/runs/wait`, { input: input('hello'), if_not_exists: 'reject' }],
    ]
    // Unknown runs on a known thread, on an unknown thread, and a run of another thread.
    for (const [thread, run] of [
      [tid, crypto.randomUUID()],
      [unknown, crypto.randomUUID()],
      [tid, foreign],
    ] as const) {
      checks.push(
        ['GET', `/threads/${thread}/runs/${run}`],
        ['POST', `/threads/${thread}/runs/${run}`, { approved: true }],
        ['DELETE', `/threads/${thread}/runs/${run}`],
        ['GET', `/threads/${thread}/runs/${run}/wait`],
        ['GET', `/threads/${thread}/runs/${run}/stream`],
        ['POST', `/threads/${thread}/runs/${run}/cancel`],
      )
    }
    for (const [method, path, body] of checks) expectError(await call(method, path, body), 404, `${method} ${path}`)
    // The foreign run was not touched by any of that.
    expect((await call('GET', `/threads/${other}/runs/${foreign}`)).status).toBe(200)
    // A deleted thread is unknown.
    expect((await call('DELETE', `/threads/${tid}`)).status).toBe(204)
    expectError(await call('GET', `/threads/${tid}`), 404)
    expectError(await call('POST', `/threads/${tid}/runs/wait`, { input: input('hello') }), 404)
  })
})

describe('ACP bad input: resume', () => {
  it('of a run that is not interrupted → 409 (completed, running, canceled)', async () => {
    const done = (await waited('/runs/wait', { input: input('hello') })).run.run_id
    expectError(await call('POST', `/runs/${done}`, { approved: true }), 409, 'completed')
    expectError(await call('POST', `/runs/${done}`, 'yes'), 409, 'completed, bare string')

    const running = await slowRun()
    expectError(await call('POST', `/runs/${running}`, { approved: true }), 409, 'running')
    expect(await runStatus(running)).toBe('pending')
    expect((await call('POST', `/runs/${running}/cancel`)).status).toBe(204)
    expectError(await call('POST', `/runs/${running}`, { approved: true }), 409, 'canceled')

    // Twice on one pause: the first resumes it, the second is a conflict.
    const paused = (await waited('/runs/wait', { input: input('deploy to production') })).run.run_id
    expect((await call('POST', `/runs/${paused}`, { approved: true })).status).toBe(200)
    expectError(await call('POST', `/runs/${paused}`, { approved: true }), 409, 'resumed already')

    // On a thread too.
    const tid = await newThread()
    const threadRun = (await waited(`/threads/${tid}/runs/wait`, { input: input('hello') })).run.run_id
    expectError(await call('POST', `/threads/${tid}/runs/${threadRun}`, { answer: 'x' }), 409, 'thread run')
  })

  it('with a payload that does not fit → 422, and the run stays resumable', async () => {
    const deploy = (await waited('/runs/wait', { input: input('deploy to production') })).run.run_id
    for (const payload of [{}, { approved: 'yes' }, { decisions: [] }, 'yes'])
      expectError(await call('POST', `/runs/${deploy}`, payload), 422, JSON.stringify(payload))
    expectError(await call('POST', `/runs/${deploy}`, raw('{bad')), 422, 'malformed')
    expectError(await call('POST', `/runs/${deploy}`, raw('null')), 422, 'null')
    expectError(await call('POST', `/runs/${deploy}`, raw('')), 422, 'empty')
    expect(await runStatus(deploy)).toBe('interrupted')
    expect((await call('POST', `/runs/${deploy}`, { approved: true })).status).toBe(200)
    const after = (await call('GET', `/runs/${deploy}/wait`)).body as { output: { values: { text: string } } }
    expect(after.output.values.text).toBe('Deployment finished.')

    const weather = (await waited('/runs/wait', { input: input('What is the weather in Paris?') })).run.run_id
    for (const payload of [{}, { outputs: [] }, { approved: true }])
      expectError(await call('POST', `/runs/${weather}`, payload), 422, JSON.stringify(payload))
    expect(await runStatus(weather)).toBe('interrupted')
    expect((await call('POST', `/runs/${weather}`, { output: 'rainy' })).status).toBe(200)
    expect(
      ((await call('GET', `/runs/${weather}/wait`)).body as { output: { values: { text: string } } }).output.values
        .text,
    ).toBe('Weather in Paris: rainy')
  })

  it('checks the payload against the declared resume_payload: {} for the trip question ({answer} required) → 422', async () => {
    const trip = (await waited('/runs/wait', { input: input('plan a trip') })).run.run_id
    expectError(await call('POST', `/runs/${trip}`, {}), 422, 'trip {}')
    expect(await runStatus(trip)).toBe('interrupted')
  })

  it('checks the payload against the declared resume_payload: {output: 42} for get_weather ({output: string}) → 422', async () => {
    const weather = (await waited('/runs/wait', { input: input('What is the weather in Paris?') })).run.run_id
    expectError(await call('POST', `/runs/${weather}`, { output: 42 }), 422, 'weather {output: 42}')
    expect(await runStatus(weather)).toBe('interrupted')
  })
})

describe('ACP bad input: invalid bodies and parameters → 422', () => {
  const badRunCreates: [string, unknown][] = [
    ['malformed JSON', raw('{"input": ')],
    ['empty body', raw('')],
    ['an array', []],
    ['a string', 'hello'],
    ['input null', { input: null }],
    ['stream_mode bogus', { input: input('hello'), stream_mode: 'bogus' }],
    ['stream_mode [bogus]', { input: input('hello'), stream_mode: ['values', 'bogus'] }],
    ['stream_mode []', { input: input('hello'), stream_mode: [] }],
    ['on_disconnect x', { input: input('hello'), on_disconnect: 'x' }],
    ["webhook ''", { input: input('hello'), webhook: '' }],
    ['webhook not a URL', { input: input('hello'), webhook: 'not a url' }],
    ['webhook ftp', { input: input('hello'), webhook: 'ftp://127.0.0.1/hook' }],
    ['metadata a string', { input: input('hello'), metadata: 'x' }],
    ['agent_id a number', { agent_id: 42, input: input('hello') }],
    ['config.recursion_limit 1.5', { input: input('hello'), config: { recursion_limit: 1.5 } }],
    ['multitask_strategy sometimes', { input: input('hello'), multitask_strategy: 'sometimes' }],
    ['input.messages[0] without content', { input: { messages: [{ role: 'user' }] } }],
  ]

  it.each(badRunCreates)('stateless run create: %s', async (_name, body) => {
    for (const path of ['/runs', '/runs/wait', '/runs/stream']) {
      const answer = await call('POST', path, body)
      expectError(answer, 422, `${path} ${JSON.stringify(body)}`)
    }
  })

  it.each([
    ...badRunCreates,
    ['if_not_exists sometimes', { input: input('hello'), if_not_exists: 'sometimes' }] as [string, unknown],
  ])('thread run create: %s', async (_name, body) => {
    const tid = await newThread()
    for (const path of [`/threads/${tid}/runs`, `/threads/${tid}/runs/wait`, `/threads/${tid}/runs/stream`])
      expectError(await call('POST', path, body), 422, `${path} ${JSON.stringify(body)}`)
    // None of them started a run.
    expect((await call('GET', `/threads/${tid}/runs`)).body).toEqual([])
  })

  it('searches: limit 0 or 2000, negative offset, unknown status, malformed', async () => {
    for (const path of ['/agents/search', '/runs/search', '/threads/search']) {
      for (const body of [{ limit: 0 }, { limit: 2000 }, { limit: 1.5 }, { offset: -1 }, raw('{bad'), raw('')])
        expectError(await call('POST', path, body), 422, `${path} ${JSON.stringify(body)}`)
    }
    expectError(await call('POST', '/runs/search', { status: 'bogus' }), 422)
    expectError(await call('POST', '/threads/search', { status: 'bogus' }), 422)
    expectError(await call('POST', '/runs/search', { metadata: 'x' }), 422)
    // The edges are fine.
    for (const path of ['/agents/search', '/runs/search', '/threads/search']) {
      expect((await call('POST', path, { limit: 1 })).status).toBe(200)
      expect((await call('POST', path, { limit: 1000 })).status).toBe(200)
    }
  })

  it('ThreadCreate: if_exists maybe, malformed, metadata not an object', async () => {
    for (const body of [{ if_exists: 'maybe' }, raw('{bad'), { metadata: 'x' }, { thread_id: 42 }])
      expectError(await call('POST', '/threads', body), 422, JSON.stringify(body))
  })

  it('ThreadPatch: the checkpoint of an older run → 422, and other bad patches', async () => {
    const tid = await newThread()
    const older = (await waited(`/threads/${tid}/runs/wait`, { input: input('my name is Ada') })).run.run_id
    const latest = (await waited(`/threads/${tid}/runs/wait`, { input: input('hello') })).run.run_id
    expect(older).not.toBe(latest)
    expectError(
      await call('PATCH', `/threads/${tid}`, { checkpoint: { checkpoint_id: older }, metadata: { a: 1 } }),
      422,
      'older checkpoint',
    )
    expectError(
      await call('PATCH', `/threads/${tid}`, { checkpoint: { checkpoint_id: crypto.randomUUID() } }),
      422,
      'unknown checkpoint',
    )
    for (const body of [raw('{bad'), { metadata: 'x' }, { checkpoint: {} }, { messages: [{ role: 'user' }] }])
      expectError(await call('PATCH', `/threads/${tid}`, body), 422, JSON.stringify(body))
    // None of them changed the thread.
    expect(((await call('GET', `/threads/${tid}`)).body as { metadata: unknown }).metadata).toEqual({})
    expect(
      (await call('PATCH', `/threads/${tid}`, { checkpoint: { checkpoint_id: latest }, metadata: { a: 1 } })).status,
    ).toBe(200)
  })

  it('query parameters: history and thread-run limits, cancel action and wait', async () => {
    const tid = await newThread()
    for (const query of ['limit=0', 'limit=1001', 'limit=abc', 'limit=1.5'])
      expectError(await call('GET', `/threads/${tid}/history?${query}`), 422, `history ${query}`)
    for (const query of ['limit=0', 'limit=2000', 'offset=-1', 'limit=abc'])
      expectError(await call('GET', `/threads/${tid}/runs?${query}`), 422, `runs ${query}`)

    const running = await slowRun()
    expectError(await call('POST', `/runs/${running}/cancel?action=bogus`), 422, 'action=bogus')
    expectError(await call('POST', `/runs/${running}/cancel?wait=maybe`), 422, 'wait=maybe')
    // A refused cancel cancels nothing.
    expect(await runStatus(running)).toBe('pending')
    expect((await call('POST', `/runs/${running}/cancel`)).status).toBe(204)
    // Canceling a run that ended is a conflict.
    expectError(await call('POST', `/runs/${running}/cancel`), 409, 'cancel twice')
  })

  it('a webhook to http://127.0.0.1 on a bridge without the webhooks option → 422, and no run starts', async () => {
    const base = strict.url
    for (const webhook of [
      'http://127.0.0.1:9/hook',
      'https://127.0.0.1/hook',
      'https://localhost:8443/hook',
      'http://example.com/hook',
      'https://10.0.0.5/hook',
    ]) {
      for (const path of ['/runs', '/runs/wait', '/runs/stream'])
        expectError(await call('POST', path, { input: input('hello'), webhook }, { base }), 422, `${path} ${webhook}`)
    }
    const tid = ((await call('POST', '/threads', {}, { base })).body as { thread_id: string }).thread_id
    expectError(
      await call(
        'POST',
        `/threads/${tid}/runs`,
        { input: input('hello'), webhook: 'http://127.0.0.1:9/hook' },
        { base },
      ),
      422,
      'thread run',
    )
    expect((await call('POST', '/runs/search', { limit: 1000 }, { base })).body).toEqual([])
  })
})

describe('ACP bad input: conflicts and side effects', () => {
  it('a run on a busy thread → 409 (and the thread cannot be deleted meanwhile)', async () => {
    const tid = await newThread()
    const running = await slowRun(`/threads/${tid}/runs`)
    for (const path of [`/threads/${tid}/runs`, `/threads/${tid}/runs/wait`, `/threads/${tid}/runs/stream`])
      expectError(await call('POST', path, { input: input('hello') }), 409, path)
    expectError(await call('DELETE', `/threads/${tid}`), 409, 'delete busy thread')
    expect((await call('POST', `/threads/${tid}/runs/${running}/cancel`)).status).toBe(204)
    expect((await waited(`/threads/${tid}/runs/wait`, { input: input('hello') })).run.status).toBe('success')
  })

  it("a thread run refused for its input creates no thread, even with if_not_exists 'create'", async () => {
    const tid = crypto.randomUUID()
    expectError(
      await call('POST', `/threads/${tid}/runs/wait`, {
        input: { messages: [{ role: 'user' }] },
        if_not_exists: 'create',
      }),
      422,
      'bad input',
    )
    expectError(await call('GET', `/threads/${tid}`), 404, 'the thread of a refused run')
  })

  it('POST /runs/search with an unknown agent_id is an empty result (search declares no 404)', async () => {
    const answer = await call('POST', '/runs/search', { agent_id: crypto.randomUUID() })
    expect(answer.status, answer.text).toBe(200)
    expect(answer.body).toEqual([])
  })

  it('history `before` a checkpoint the thread does not have does not answer the newest states', async () => {
    const tid = await newThread()
    await waited(`/threads/${tid}/runs/wait`, { input: input('hello') })
    const answer = await call('GET', `/threads/${tid}/history?before=${crypto.randomUUID()}`)
    if (answer.status === 200) expect(answer.body).toEqual([])
    else expect([404, 422]).toContain(answer.status)
  })

  it('a Last-Event-ID that is no event id does not leave a join of a paused run hanging', async () => {
    const paused = (await waited('/runs/wait', { input: input('deploy to production') })).run.run_id
    // Either refused, or ignored (the join then says how the run paused, and closes).
    const answer = await call('GET', `/runs/${paused}/stream`, undefined, { headers: { 'last-event-id': 'abc' } })
    if (answer.status === 200) expect(answer.text).toMatch(/"type":"interrupt"/)
    else expectError(answer, 422)
  })
})

describe('ACP bad input: afterwards', () => {
  it('the bridges still serve normal runs', async () => {
    const ok = await waited('/runs/wait', { input: input('hello') })
    expect(ok.run.status).toBe('success')
    expect(ok.output?.values?.text).toBe('Hello! I am the demo agent.')
    const streamed = await call('POST', '/runs/stream', { agent_id: 'slow', input: input('hello') })
    expect(streamed.status).toBe(200)
    expect(streamed.contentType).toMatch(/^text\/event-stream/)
    expect(streamed.text).toMatch(/"status":"success"/)
    const other = await call('POST', '/runs/wait', { input: input('hello') }, { base: strict.url })
    expect((other.body as { run: { status: string } }).run.status).toBe('success')
  })
})
