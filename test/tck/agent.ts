// The agent the official A2A conformance kit (a2aproject/a2a-tck) expects behind the URL it tests: it acts on the
// prefix of the user message's `messageId`, as the kit's scenario table (`v1.0/scenarios/*.feature`) says. It is a
// canonical backend, so the bridge's own A2A face (and any other face) serves it; `npm run tck` puts it behind the
// bridge and runs the kit. Not part of the product: a fixture for measuring conformance.
import type { AgentBackend, AgentEvent, AgentInfo, Message, Part, RunRequest } from '../../src/core/index.js'

export interface TckAgentOptions {
  id?: string
  /**
   * What a message with no scenario prefix gets. The v1.0 kit's reference agent completes with an echo; the v0.3
   * kit sends plain ids and expects tasks it can still cancel, so there the task waits for input.
   */
  otherwise?: 'complete' | 'input-required'
  /** How long `test-resubscribe-message-id` tasks keep working: twice the kit's streaming timeout (2 s). */
  longRunMs?: number
}

const text = (t: string): Part => ({ type: 'text', text: t })
const agentMessage = (id: string, parts: Part[]): Message => ({ id, role: 'assistant', parts })
/** A file the kit checks by name and media type; its bytes are "tck". */
const outputFile: Part = { type: 'file', bytes: btoa('tck'), mediaType: 'text/plain', name: 'output.txt' }
const outputUrl: Part = {
  type: 'file',
  url: 'https://example.com/output.txt',
  mediaType: 'text/plain',
  name: 'output.txt',
}

const artifact = (id: string, parts: Part[]): AgentEvent => ({
  type: 'artifact.completed',
  artifact: { artifactId: id, parts },
})
const answer = (id: string, t: string): AgentEvent[] => [
  { type: 'message.started', messageId: id, role: 'assistant' },
  { type: 'message.delta', messageId: id, delta: t, channel: 'output' },
  { type: 'message.completed', message: agentMessage(id, [text(t)]) },
]
const working: AgentEvent = { type: 'run.status', status: 'working' }
const completed: AgentEvent = { type: 'run.completed' }

/** A scenario: the events of a turn for a message whose id starts with the prefix (longest prefix first). */
type Scenario = (request: RunRequest, signal: AbortSignal) => AgentEvent[] | AsyncIterable<AgentEvent>

function scenarios(options: Required<Omit<TckAgentOptions, 'id'>>): [string, Scenario][] {
  const table: [string, Scenario][] = [
    ['tck-complete-task', (r) => [...answer(`${r.runId}-answer`, 'Hello from TCK'), completed]],
    ['tck-artifact-text', () => [artifact('artifact-text', [text('Generated text content')]), completed]],
    ['tck-artifact-file-url', () => [artifact('artifact-file-url', [outputUrl]), completed]],
    ['tck-artifact-file', () => [artifact('artifact-file', [outputFile]), completed]],
    [
      'tck-artifact-data',
      () => [artifact('artifact-data', [{ type: 'data', data: { key: 'value', count: 42 } }]), completed],
    ],
    [
      'tck-message-response',
      (r) => [...answer(`${r.runId}-message`, 'Direct message response'), { type: 'run.completed', direct: true }],
    ],
    ['tck-input-required', (r) => inputRequired(r)],
    ['tck-reject-task', () => [{ type: 'run.failed', error: { code: 'rejected', message: 'rejected' } }]],
    ['tck-stream-001', () => [working, artifact('stream-001', [text('Stream hello from TCK')]), completed]],
    ['tck-stream-002', () => [completed]],
    ['tck-stream-003', () => [working, artifact('stream-003', [text('Stream task lifecycle')]), completed]],
    ['tck-stream-ordering-001', () => [working, artifact('ordering-001', [text('Ordered output')]), completed]],
    ['tck-stream-artifact-text', () => [working, artifact('stream-text', [text('Streamed text content')]), completed]],
    ['tck-stream-artifact-file', () => [working, artifact('stream-file', [outputFile]), completed]],
    [
      'tck-stream-artifact-chunked',
      () => [
        working,
        { type: 'artifact.delta', artifactId: 'chunked', parts: [text('chunk-1 ')], append: false, lastChunk: false },
        { type: 'artifact.delta', artifactId: 'chunked', parts: [text('chunk-2')], append: true, lastChunk: true },
        completed,
      ],
    ],
    ['test-resubscribe-message-id', (_r, signal) => longRun(options.longRunMs, signal)],
  ]
  return table.sort(([a], [b]) => b.length - a.length)
}

function inputRequired(r: RunRequest): AgentEvent[] {
  const question = agentMessage(`${r.runId}-question`, [text('Please provide more input.')])
  return [
    working,
    { type: 'interrupt', interruptId: `${r.runId}-input`, reason: 'input', callIds: [], message: question },
    { type: 'run.status', status: 'input_required' },
  ]
}

async function* longRun(ms: number, signal: AbortSignal): AsyncGenerator<AgentEvent> {
  yield working
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer)
        resolve()
      },
      { once: true },
    )
  })
  if (!signal.aborted) yield completed
}

/** The TCK's agent under test, as a canonical backend. */
export function createTckAgent(options: TckAgentOptions = {}): AgentBackend {
  const id = options.id ?? 'tck'
  const otherwise = options.otherwise ?? 'complete'
  const table = scenarios({ otherwise, longRunMs: options.longRunMs ?? 4_000 })
  const info: AgentInfo = {
    id,
    name: 'TCK agent',
    description: 'Acts on the messageId prefixes of the A2A conformance kit (a2aproject/a2a-tck).',
    version: '1.0.0',
    capabilities: { streaming: true, threads: true, interrupts: true, clientTools: false, push: true },
    skills: [{ id: 'tck', name: 'TCK conformance', description: 'Handles TCK conformance test messages' }],
  }
  return {
    info: () => info,
    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<AgentEvent> {
      const messageId = request.input.at(-1)?.id ?? ''
      const scenario = table.find(([prefix]) => messageId.startsWith(prefix))?.[1]
      if (scenario) {
        yield* scenario(request, signal)
        return
      }
      if (otherwise === 'input-required') {
        yield* inputRequired(request)
        return
      }
      yield* answer(`${request.runId}-answer`, `Unhandled messageId prefix: ${messageId}`)
      yield completed
    },
  }
}
