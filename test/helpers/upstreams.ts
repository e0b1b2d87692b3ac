// What the upstream client tests (test/upstream) build alike: the discovery documents and the event data of each
// dialect's upstream, the four clients pointed at a loopback server, and running a client to its end. Each test file
// keeps its own server (how it answers is what it tests); what differs between the files is a parameter here.
import type { Server } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { AgentBackend, AgentEvent, RunRequest } from '../../src/core/index.js'
import { agentEvents } from '../../src/core/index.js'
import { createA2AClient } from '../../src/dialects/a2a/client.js'
import { createAcpClient } from '../../src/dialects/acp/client.js'
import { createResponsesClient } from '../../src/dialects/responses/client.js'
import { MemoryRunStore } from '../../src/store/index.js'
import type { UpstreamLimits } from '../../src/upstream/index.js'

// ── Discovery ───────────────────────────────────────────────────────────────────────────────────────────────────

/** An A2A 1.0 card for agent `up` with one interface in `binding` at `url`; the description tells the tests apart. */
export const a2aCard = (binding: 'JSONRPC' | 'HTTP+JSON', url: string, description: string) => ({
  name: 'up',
  description,
  version: '1.0.0',
  supportedInterfaces: [{ url, protocolBinding: binding, protocolVersion: '1.0' }],
  capabilities: { streaming: true },
  defaultInputModes: ['text/plain'],
  defaultOutputModes: ['text/plain'],
  skills: [],
})

/** The ACP descriptor of agent `up`, streaming `values`. */
export const acpDescriptor = (description: string) => ({
  metadata: { ref: { name: 'up', version: '1.0.0' }, description },
  specs: {
    capabilities: { streaming: { values: true } },
    input: { type: 'object' },
    output: { type: 'object' },
    config: { type: 'object' },
  },
})

// ── Responses event data ────────────────────────────────────────────────────────────────────────────────────────

/** A Responses event: its type and sequence number, and the fields of its type. */
export type ResponsesEvent = { type: string; sequence_number: number; [field: string]: unknown }

/** The response `resp_1` in a status, with its output items. */
export const response = (status: 'in_progress' | 'completed', output: unknown[] = []) => ({
  id: 'resp_1',
  object: 'response',
  created_at: 0,
  status,
  error: null,
  incomplete_details: null,
  instructions: null,
  model: 'up',
  output,
  parallel_tool_calls: true,
  tool_choice: 'auto',
  tools: [],
  metadata: {},
  usage: null,
})

/** The assistant message `msg_1` as an output item; no content until it has text. */
export const outputMessage = (status: 'in_progress' | 'completed', text?: string) => ({
  id: 'msg_1',
  type: 'message',
  role: 'assistant',
  status,
  content: text === undefined ? [] : [{ type: 'output_text', text, annotations: [] }],
})

/** Where a text event points: the first content part of `msg_1`. */
export const textRef = { item_id: 'msg_1', output_index: 0, content_index: 0 }

/** One text delta of `msg_1`. */
export const textDelta = (sequence: number, text: string): ResponsesEvent => ({
  type: 'response.output_text.delta',
  sequence_number: sequence,
  ...textRef,
  delta: text,
  logprobs: [],
})

/** A whole Responses answer, its text in these deltas: sequence numbers 0 to the number of deltas + 4. */
export function responsesAnswer(deltas: string[]): ResponsesEvent[] {
  const text = deltas.join('')
  const done = 2 + deltas.length
  return [
    { type: 'response.created', sequence_number: 0, response: response('in_progress') },
    { type: 'response.output_item.added', sequence_number: 1, output_index: 0, item: outputMessage('in_progress') },
    ...deltas.map((delta, i) => textDelta(2 + i, delta)),
    { type: 'response.output_text.done', sequence_number: done, ...textRef, text, logprobs: [] },
    {
      type: 'response.output_item.done',
      sequence_number: done + 1,
      output_index: 0,
      item: outputMessage('completed', text),
    },
    {
      type: 'response.completed',
      sequence_number: done + 2,
      response: response('completed', [outputMessage('completed', text)]),
    },
  ]
}

// ── A2A stream responses ────────────────────────────────────────────────────────────────────────────────────────

/** The task `task-1` in a state, with its artifacts when given (a re-subscription's snapshot). */
export const task = (state: string, artifacts?: unknown[]) => ({
  task: { id: 'task-1', contextId: 'ctx-1', status: { state }, ...(artifacts ? { artifacts } : {}) },
})

export const statusUpdate = (state: string) => ({
  statusUpdate: { taskId: 'task-1', contextId: 'ctx-1', status: { state } },
})

/** A chunk of the artifact `answer` of `task-1`. */
export const artifactUpdate = (text: string, more: { append?: boolean; lastChunk?: boolean } = {}) => ({
  artifactUpdate: {
    taskId: 'task-1',
    contextId: 'ctx-1',
    artifact: { artifactId: 'answer', parts: [{ text }] },
    ...more,
  },
})

/** A whole A2A answer: the task working, "Hi there" in one artifact chunk, the task completed. */
export const A2A_ANSWER = [
  task('TASK_STATE_WORKING'),
  artifactUpdate('Hi there', { lastChunk: true }),
  statusUpdate('TASK_STATE_COMPLETED'),
]

// ── ACP stream data ─────────────────────────────────────────────────────────────────────────────────────────────

/** A `values` snapshot of run `run-1`: the assistant's text so far, no message before there is text. */
export const values = (status: string, text?: string) => ({
  type: 'values',
  run_id: 'run-1',
  status,
  values: { messages: text === undefined ? [] : [{ role: 'assistant', content: text }] },
})

// ── The clients ─────────────────────────────────────────────────────────────────────────────────────────────────

/** The upstream clients: one per dialect, A2A in both of its bindings. */
export const CLIENTS = ['responses', 'a2a-jsonrpc', 'a2a-rest', 'acp'] as const
export type Client = (typeof CLIENTS)[number]

/** What a test may set on a client: its limits, its fetch, and how often the A2A client polls a task. */
export type ClientOptions = UpstreamLimits & { fetch?: typeof fetch; a2aPollIntervalMs?: number }

/**
 * The client of one dialect as agent `up`, its upstream under `base` (/v1, /rpc, /rest, /acp); no retries and 2 s
 * deadlines unless the options say otherwise.
 */
export function clientFor(client: Client, base: string, options: ClientOptions = {}): AgentBackend {
  const { a2aPollIntervalMs, ...limits } = options
  const common = {
    id: 'up',
    store: new MemoryRunStore(),
    retries: 0,
    backoffMs: 1,
    connectTimeoutMs: 2000,
    firstByteTimeoutMs: 2000,
    ...limits,
  }
  const a2a = a2aPollIntervalMs === undefined ? {} : { pollIntervalMs: a2aPollIntervalMs }
  switch (client) {
    case 'responses':
      return createResponsesClient({ ...common, url: `${base}/v1` })
    case 'a2a-jsonrpc':
      return createA2AClient({ ...common, url: `${base}/rpc`, ...a2a })
    case 'a2a-rest':
      return createA2AClient({ ...common, url: `${base}/rest`, ...a2a })
    case 'acp':
      return createAcpClient({ ...common, url: `${base}/acp`, agentId: 'up' })
  }
}

/** A run for agent `up` of the user's "hi"; its ids are the test's. */
export const runRequest = (ids: { runId: string; contextId: string; messageId: string }): RunRequest => ({
  runId: ids.runId,
  agentId: 'up',
  contextId: ids.contextId,
  input: [{ id: ids.messageId, role: 'user', parts: [{ type: 'text', text: 'hi' }] }],
  history: [],
})

/** Runs a backend to its end: what it yielded, what it threw, and how long it took. */
export async function runToEnd(
  backend: AgentBackend,
  req: RunRequest,
): Promise<{ events: AgentEvent[]; error: unknown; ms: number }> {
  const events: AgentEvent[] = []
  const started = Date.now()
  try {
    for await (const event of agentEvents(backend.run(req, new AbortController().signal))) events.push(event)
    return { events, error: undefined, ms: Date.now() - started }
  } catch (error) {
    return { events, error, ms: Date.now() - started }
  }
}

/** The answer's text: message deltas, or the text of artifacts (how a plain A2A agent answers). */
export const answerText = (events: AgentEvent[]): string =>
  events
    .flatMap((e) =>
      e.type === 'message.delta'
        ? [e.delta]
        : e.type === 'artifact.delta'
          ? e.parts.map((p) => (p.type === 'text' ? p.text : ''))
          : [],
    )
    .join('')

/** A loopback URL nothing listens on: a port that was just free. */
export async function deadUrl(): Promise<string> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return `http://127.0.0.1:${port}`
}

/** Starts a test file's own server on a free loopback port; its origin (`http://127.0.0.1:port`). */
export async function listenLoopback(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

/** Closes a test file's server, its open streams included. */
export async function closeLoopback(server: Server): Promise<void> {
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
}
