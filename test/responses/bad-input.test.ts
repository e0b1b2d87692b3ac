// Bad input over real HTTP: every mistake a client can make gets a 4xx in the OpenAI error format
// (`{error: {message, type, param, code}}`), names the field at fault, never hangs and never crashes the bridge.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunningBridge } from '../../src/node.js'
import { startBridge } from '../helpers/bridge.js'
import { specValidator } from '../helpers/contract.js'

const spec = specValidator('responses')

interface ErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
}

let bridge: RunningBridge
/** Every status this file saw, to check afterwards that none was a 5xx. */
const seen: { what: string; status: number }[] = []

beforeAll(async () => {
  bridge = await startBridge()
})
afterAll(() => bridge.close())

/** One request with a 5 s deadline (a hang fails the test instead of stalling the run). */
async function call(
  method: string,
  path: string,
  body?: BodyInit,
  headers: Record<string, string> = {},
  extra: RequestInit = {},
): Promise<Response> {
  const res = await fetch(`${bridge.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(5000),
    ...extra,
  })
  seen.push({ what: `${method} ${path}`, status: res.status })
  return res
}

const create = (body: unknown) => call('POST', '/v1/responses', JSON.stringify(body))

/** Reads an error response and checks it is a valid OpenAI ErrorResponse with the given status. */
async function expectError(res: Response, status: number): Promise<ErrorBody['error']> {
  const text = await res.text()
  expect(res.status, `body: ${text.slice(0, 300)}`).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = JSON.parse(text) as ErrorBody
  expect(spec.errors('ErrorResponse', body)).toBe('')
  expect(body.error.message.length).toBeGreaterThan(0)
  return body.error
}

const weatherTool = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}

describe('bodies that are not a JSON object', () => {
  it('malformed JSON → 400 invalid_json', async () => {
    const error = await expectError(await call('POST', '/v1/responses', '{"input": "hi",'), 400)
    expect(error.type).toBe('invalid_request_error')
    expect(error.code).toBe('invalid_json')
    expect(error.message).toMatch(/JSON/)
  })

  it('empty body → 400', async () => {
    const error = await expectError(await call('POST', '/v1/responses', ''), 400)
    expect(error.message).toMatch(/empty/i)
  })

  it('whitespace-only body → 400', async () => {
    const error = await expectError(await call('POST', '/v1/responses', '  \n '), 400)
    expect(error.message).toMatch(/empty/i)
  })

  it('no body at all → 400', async () => {
    await expectError(await call('POST', '/v1/responses', undefined, { 'content-type': 'application/json' }), 400)
  })

  it.each([
    ['a JSON array', '[{"input":"hi"}]'],
    ['null', 'null'],
    ['a string', '"hi"'],
    ['a number', '42'],
  ])('body that is %s → 400', async (_name, body) => {
    const error = await expectError(await call('POST', '/v1/responses', body), 400)
    expect(error.message).toMatch(/JSON object/)
  })
})

describe('invalid parameters name the param', () => {
  it("missing input → 400 param 'input'", async () => {
    const error = await expectError(await create({ model: 'demo' }), 400)
    expect(error.param).toBe('input')
    expect(error.code).toBe('missing_required_parameter')
    expect(error.message).toContain("'input'")
  })

  interface Case {
    name: string
    body: Record<string, unknown>
    /** The param exactly, or a pattern it must match. */
    param: string | RegExp
    /** True when the field really is absent (so "Missing required parameter" is the right message). */
    missing?: boolean
    /** What the message must mention; default: the param. */
    mentions?: string
  }

  const cases: Case[] = [
    { name: 'input: 42', body: { input: 42 }, param: 'input' },
    { name: 'input: true', body: { input: true }, param: 'input' },
    { name: "stream: 'yes'", body: { input: 'hi', stream: 'yes' }, param: 'stream' },
    { name: 'metadata with a number value', body: { input: 'hi', metadata: { a: 1 } }, param: /^metadata(\.a)?$/ },
    { name: 'tools that is not an array', body: { input: 'hi', tools: { type: 'function' } }, param: 'tools' },
    {
      name: 'a web_search tool',
      body: { input: 'hi', tools: [{ type: 'web_search' }] },
      param: 'tools[0].type',
      mentions: 'web_search',
    },
    {
      name: 'a second, non-function tool',
      body: { input: 'hi', tools: [weatherTool, { type: 'file_search' }] },
      param: 'tools[1].type',
      mentions: 'file_search',
    },
    {
      name: 'an input item of unknown type',
      body: { input: [{ type: 'bogus', content: 'x' }] },
      param: 'input[0].type',
      mentions: 'bogus',
    },
    { name: 'an input item that is a string', body: { input: ['hi'] }, param: 'input[0]' },
    {
      name: 'a function_call_output without call_id',
      body: { input: [{ type: 'function_call_output', output: '{"temp":20}' }] },
      param: /call_id/,
      missing: true,
    },
    {
      name: 'message content that is a number',
      body: { input: [{ role: 'user', content: 42 }] },
      param: 'input[0].content',
    },
    {
      name: 'a content part that is a number',
      body: { input: [{ role: 'user', content: [42] }] },
      param: /^input\[0\]\.content/,
    },
    {
      name: 'a message with an unknown role',
      body: { input: [{ role: 'robot', content: 'hi' }] },
      param: 'input[0].role',
    },
    {
      name: 'the second item is bad',
      body: {
        input: [
          { role: 'user', content: 'hi' },
          { role: 'user', content: 7 },
        ],
      },
      param: 'input[1].content',
    },
  ]

  it.each(cases)('$name → 400 with the param', async ({ body, param, mentions }) => {
    const error = await expectError(await create(body), 400)
    expect(error.type).toBe('invalid_request_error')
    if (typeof param === 'string') expect(error.param).toBe(param)
    else expect(error.param).toMatch(param)
    // The message names the field (or the bad value), so a human reading only the message can find it.
    expect(error.message).toContain(mentions ?? error.param ?? '<no param>')
  })

  it.each(cases.filter((c) => !c.missing))(
    '$name: the message does not claim a present field is missing',
    async ({ body }) => {
      const error = await expectError(await create(body), 400)
      expect(error.message).not.toMatch(/missing required parameter/i)
    },
  )

  it("unknown model → 404 param 'model', code model_not_found", async () => {
    const error = await expectError(await create({ model: 'no-such-agent', input: 'hi' }), 404)
    expect(error.param).toBe('model')
    expect(error.code).toBe('model_not_found')
    expect(error.message).toContain('no-such-agent')
  })

  it("unknown previous_response_id → 400 param 'previous_response_id'", async () => {
    const error = await expectError(await create({ input: 'hi', previous_response_id: 'resp_doesnotexist' }), 400)
    expect(error.param).toBe('previous_response_id')
    expect(error.message).toContain('resp_doesnotexist')
  })

  it("background with store: false → 400 param 'store'", async () => {
    const error = await expectError(await create({ input: 'hi', background: true, store: false }), 400)
    expect(error.param).toBe('store')
  })
})

describe('responses that do not exist', () => {
  it.each([
    ['GET', '/v1/responses/resp_doesnotexist'],
    ['GET', '/v1/responses/resp_doesnotexist?stream=true'],
    ['DELETE', '/v1/responses/resp_doesnotexist'],
    ['POST', '/v1/responses/resp_doesnotexist/cancel'],
  ])('%s %s → 404', async (method, path) => {
    const error = await expectError(await call(method, path), 404)
    expect(error.message).toContain('resp_doesnotexist')
  })

  it('a deleted response is gone for GET, DELETE and cancel', async () => {
    const created = await create({ input: 'hello' })
    expect(created.status).toBe(200)
    const { id } = (await created.json()) as { id: string }
    expect((await call('DELETE', `/v1/responses/${id}`)).status).toBe(200)
    await expectError(await call('GET', `/v1/responses/${id}`), 404)
    await expectError(await call('DELETE', `/v1/responses/${id}`), 404)
    await expectError(await call('POST', `/v1/responses/${id}/cancel`), 404)
  })
})

describe('operations on a response that cannot take them', () => {
  let id: string
  beforeAll(async () => {
    const res = await create({ input: 'hello' })
    expect(res.status).toBe(200)
    id = ((await res.json()) as { id: string }).id
  })

  it("GET ?stream=true&starting_after=abc → 400 param 'starting_after'", async () => {
    const error = await expectError(await call('GET', `/v1/responses/${id}?stream=true&starting_after=abc`), 400)
    expect(error.param).toBe('starting_after')
    expect(error.message).toContain('abc')
  })

  it('GET ?stream=true&starting_after=1.5 → 400', async () => {
    const error = await expectError(await call('GET', `/v1/responses/${id}?stream=true&starting_after=1.5`), 400)
    expect(error.param).toBe('starting_after')
  })

  it('cancel of a response not created with background: true → 400', async () => {
    const error = await expectError(await call('POST', `/v1/responses/${id}/cancel`), 400)
    expect(error.type).toBe('invalid_request_error')
    expect(error.message).toMatch(/background/)
  })

  it('cancel of a background response that already completed → 400', async () => {
    const res = await create({ input: 'hello', background: true })
    expect(res.status).toBe(200)
    const { id: bg } = (await res.json()) as { id: string }
    // Wait for it to finish (the demo agent runs without delays here).
    const done = await call('GET', `/v1/responses/${bg}?stream=true`)
    expect(done.status).toBe(200)
    await done.text()
    const error = await expectError(await call('POST', `/v1/responses/${bg}/cancel`), 400)
    expect(error.message).toMatch(/completed/)
  })
})

describe('a follow-up to a paused tool call', () => {
  it('without the function_call_output → 400 naming the call id; the run can still be answered afterwards', async () => {
    const first = await create({ model: 'demo', input: 'What is the weather in Paris?', tools: [weatherTool] })
    expect(first.status).toBe(200)
    const paused = (await first.json()) as { id: string; output: { type: string; call_id?: string }[] }
    const call_id = paused.output.find((o) => o.type === 'function_call')?.call_id
    expect(call_id).toBeTruthy()

    const error = await expectError(
      await create({ model: 'demo', previous_response_id: paused.id, input: 'thanks', tools: [weatherTool] }),
      400,
    )
    expect(error.message).toContain(call_id)
    expect(error.param).toBe('input')

    // An output for some other call is not an answer either.
    const wrong = await create({
      previous_response_id: paused.id,
      input: [{ type: 'function_call_output', call_id: 'not-the-call', output: '{"temperature_c":18}' }],
      tools: [weatherTool],
    })
    expect((await expectError(wrong, 400)).message).toContain(call_id)

    // The rejected follow-ups did not consume the pause: the right answer still resumes the run.
    const answered = await create({
      previous_response_id: paused.id,
      input: [{ type: 'function_call_output', call_id, output: '{"temperature_c":18}' }],
      tools: [weatherTool],
    })
    expect(answered.status).toBe(200)
    const body = (await answered.json()) as { status: string; output: { type: string }[] }
    expect(body.status).toBe('completed')
    expect(body.output.some((o) => o.type === 'message')).toBe(true)
  })
})

describe('routes', () => {
  it.each([
    ['GET', '/v1/nope'],
    ['POST', '/v1/chat/completions'],
    ['GET', '/v1/responses'],
    ['PUT', '/v1/responses/resp_x'],
    ['POST', '/v1/responses/resp_x/nope'],
  ])('%s %s → 404 in the OpenAI error format', async (method, path) => {
    const error = await expectError(await call(method, path, method === 'GET' ? undefined : '{}'), 404)
    expect(error.message).toContain(path)
  })

  it('unknown model id on GET /v1/models/{id} → 404 code model_not_found', async () => {
    const error = await expectError(await call('GET', '/v1/models/no-such-agent'), 404)
    expect(error.code).toBe('model_not_found')
  })
})

describe('oversized bodies', () => {
  const MiB = 1024 * 1024
  const big = () => JSON.stringify({ input: 'x'.repeat(17 * MiB) })

  it('a body over 16 MiB (with Content-Length) → 413', async () => {
    const error = await expectError(await call('POST', '/v1/responses', big()), 413)
    expect(error.code).toBe('request_too_large')
  })

  it('a chunked body over 16 MiB (no Content-Length) → 413', async () => {
    const body = new Blob([big()]).stream()
    const error = await expectError(
      await call('POST', '/v1/responses', body, {}, { duplex: 'half' } as RequestInit),
      413,
    )
    expect(error.code).toBe('request_too_large')
  })

  it('a chunked body over 16 MiB of multi-byte characters → 413 (the limit is in bytes)', async () => {
    // 9 Mi two-byte characters: 18 MiB on the wire, but only 9 Mi UTF-16 code units.
    const text = JSON.stringify({ input: 'é'.repeat(9 * MiB) })
    expect(Buffer.byteLength(text)).toBeGreaterThan(16 * MiB)
    const body = new Blob([text]).stream()
    const error = await expectError(
      await call('POST', '/v1/responses', body, {}, { duplex: 'half' } as RequestInit),
      413,
    )
    expect(error.code).toBe('request_too_large')
  })
})

describe('after all of that', () => {
  it('the bridge still answers a normal request', async () => {
    const res = await create({ model: 'demo', input: 'hello' })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { status: string; output: { type: string }[] }
    expect(body.status).toBe('completed')
    expect(body.output.some((o) => o.type === 'message')).toBe(true)
    const models = await call('GET', '/v1/models')
    expect(models.status).toBe(200)
  })

  it('no request got a 5xx', () => {
    expect(seen.length).toBeGreaterThan(40)
    expect(seen.filter((s) => s.status >= 500)).toEqual([])
  })
})
