// Keep-alives through each face's official clients. The bridge is configured the way a user would (a configuration
// with `faces.<face>.keepAliveMs`) to send them every 30 ms, in front of the demo agent pausing 120 ms before each
// word, so every stream carries several between its events; each client must still read the whole answer. ACP's
// official client is Python (`agntcy-acp`), which cannot be installed here: acp-python-client.ts reads streams the way
// it does, and is shown to fail on the comment block the bridge used to send, as the real one did.
import { Role, TaskState } from '@a2a-js/sdk'
import type { Part, SendMessageRequest, StreamResponse } from '@a2a-js/sdk'
import { ClientFactory, ClientFactoryOptions, JsonRpcTransportFactory, RestTransportFactory } from '@a2a-js/sdk/client'
import OpenAI from 'openai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../../src/bridge/index.js'
import type { RunningBridge } from '../../src/node.js'
import { serveBridge } from '../../src/node.js'
import { ValueError, acpPythonClientStream } from './acp-python-client.js'

const KEEP_ALIVE_MS = 30
const WORD_MS = 120
const HELLO = 'Hello! I am the demo agent.'
const BLOCK = ': keep-alive\n\n'
const LINE = ': keep-alive\n'

const count = (text: string, part: string) => text.split(part).length - 1

/** A fetch that hands the client its stream untouched and keeps a copy of every event stream's text. */
function tappingFetch() {
  const copies: Promise<string>[] = []
  const tapped: typeof fetch = async (input, init) => {
    const res = await fetch(input, init)
    if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) return res
    const [copy, theirs] = res.body.tee()
    copies.push(new Response(copy).text())
    return new Response(theirs, { status: res.status, statusText: res.statusText, headers: res.headers })
  }
  return { fetch: tapped, streams: () => Promise.all(copies) }
}

let bridge: RunningBridge

beforeAll(async () => {
  const faces = { keepAliveMs: KEEP_ALIVE_MS }
  bridge = await serveBridge({
    port: 0,
    config: parseConfig({
      agents: [{ id: 'demo', dialect: 'demo', delayMs: WORD_MS }],
      faces: { responses: faces, a2a: faces, acp: faces },
    }),
  })
})
afterAll(async () => {
  await bridge?.close()
})

describe('ACP: the official Python client (agntcy-acp), as it reads streams', () => {
  const startStream = async () => {
    const res = await fetch(`${bridge.url}/acp/runs/stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream, application/json' },
      body: JSON.stringify({ agent_id: 'demo', input: { messages: [{ role: 'user', content: 'hello' }] } }),
    })
    expect(res.status).toBe(200)
    return res.body as ReadableStream<Uint8Array>
  }
  const read = async (body: ReadableStream<Uint8Array>) => {
    const events = []
    for await (const event of acpPythonClientStream(body)) events.push(event)
    return events
  }
  let raw = ''

  it('reads the whole stream through the keep-alive lines: every event, its id, the answer', async () => {
    const [copy, body] = (await startStream()).tee()
    const copied = new Response(copy).text()
    const events = await read(body)
    raw = await copied
    expect(count(raw, LINE)).toBeGreaterThanOrEqual(4)
    // Comment lines only: no blank line follows a keep-alive, so none becomes an event of its own.
    expect(raw).not.toContain(BLOCK)
    expect(events.length).toBe(count(raw, 'event: agent_event\n'))
    for (const event of events) expect(event.event).toBe('agent_event')
    const ids = events.map((e) => Number(e.id))
    expect(ids.every((id, i) => Number.isInteger(id) && id > (ids[i - 1] ?? 0))).toBe(true)
    const last = events.at(-1)?.data
    expect(last?.type === 'values' && last.status).toBe('success')
    expect(last?.type === 'values' && (last.values as { text?: string }).text).toBe(HELLO)
  })

  it('dies on the comment block the bridge used to send, as the real client did (ValueError)', async () => {
    expect(raw).toContain(LINE)
    const asBlocks = new Response(raw.replaceAll(LINE, BLOCK)).body as ReadableStream<Uint8Array>
    await expect(read(asBlocks)).rejects.toBeInstanceOf(ValueError)
  })
})

describe('Responses: the openai SDK', () => {
  it('streams the whole answer through the keep-alive comments (responses.create stream, responses.stream())', async () => {
    const tap = tappingFetch()
    const client = new OpenAI({ baseURL: `${bridge.url}/v1`, apiKey: 'x', maxRetries: 0, fetch: tap.fetch })
    let text = ''
    let last = ''
    for await (const event of await client.responses.create({ model: 'demo', input: 'hello', stream: true })) {
      if (event.type === 'response.output_text.delta') text += event.delta
      last = event.type
    }
    expect(text).toBe(HELLO)
    expect(last).toBe('response.completed')
    const final = await client.responses.stream({ model: 'demo', input: 'hello' }).finalResponse()
    expect(final.status).toBe('completed')
    expect(final.output_text).toBe(HELLO)
    const streams = await tap.streams()
    expect(streams).toHaveLength(2)
    for (const stream of streams) expect(count(stream, BLOCK)).toBeGreaterThanOrEqual(4)
  })
})

describe('A2A: @a2a-js/sdk', () => {
  const textPart = (value: string): Part => ({
    content: { $case: 'text', value },
    filename: '',
    mediaType: '',
    metadata: undefined,
  })
  const request = (text: string): SendMessageRequest => ({
    tenant: '',
    message: {
      messageId: crypto.randomUUID(),
      contextId: '',
      taskId: '',
      role: Role.ROLE_USER,
      parts: [textPart(text)],
      metadata: undefined,
      extensions: [],
      referenceTaskIds: [],
    },
    configuration: undefined,
    metadata: undefined,
  })
  const streamed = (events: StreamResponse[]) =>
    events
      .map((e) =>
        e.payload?.$case === 'artifactUpdate'
          ? e.payload.value.artifact?.parts.map((p) => (p.content?.$case === 'text' ? p.content.value : '')).join('')
          : '',
      )
      .join('')

  it.each([['JSONRPC'], ['HTTP+JSON']] as const)(
    'sendMessageStream over %s reads the whole answer through the keep-alive comments',
    async (transport) => {
      const tap = tappingFetch()
      const factory = new ClientFactory(
        ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
          transports: [
            new JsonRpcTransportFactory({ fetchImpl: tap.fetch }),
            new RestTransportFactory({ fetchImpl: tap.fetch }),
          ],
          preferredTransports: [transport],
        }),
      )
      const client = await factory.createFromUrl(`${bridge.url}/a2a/demo/`)
      expect(client.transport.protocolName).toBe(transport)
      const events: StreamResponse[] = []
      for await (const event of client.sendMessageStream(request('hello'))) events.push(event)
      expect(streamed(events)).toBe(HELLO)
      const last = events.at(-1)?.payload
      expect(last?.$case === 'statusUpdate' && last.value.status?.state).toBe(TaskState.TASK_STATE_COMPLETED)
      const [stream] = await tap.streams()
      expect(count(stream ?? '', BLOCK)).toBeGreaterThanOrEqual(4)
    },
  )
})
