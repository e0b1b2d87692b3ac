// An ACP upstream written from what real AGNTCY ACP servers show: the reference server is Python (FastAPI +
// pydantic, agntcy/workflow-srv hosting LangGraph agents), and this one answers the way it does, not the way the
// bridge's own ACP face does:
// - every optional field it sends is an explicit `null` when unset (search results, descriptors, runs, threads,
//   wait responses, stream events), and its descriptors may have `config: null`;
// - its request model forbids fields it does not know, `stream_mode` among them: 422 with a FastAPI validation body
//   `{"detail": [{"type", "loc": ["body", …], "msg", "input"}]}`; it also requires `config` (422 when absent);
// - its `values` are LangGraph state: `messages` serialised by LangChain (`{"type": "human" | "ai", "content"}`, no
//   `role`), the input echoed as `human` messages, the answer an `ai` message whose content is sometimes text blocks;
// - a streaming agent answers `POST /runs/stream` with `event: agent_event` frames (ids from 1 per connection), the
//   first one the input echo, then the answer growing word by word, then a last `values` frame at `success`;
// - an agent without `streaming` only takes background runs and `/wait`, which answers `pending` with no output once
//   (its own timeout) before the result;
// - an agent with `threads` keeps each thread's messages, so its runs get only the new input;
// - an agent whose descriptor fails answers 500 `Internal Server Error` (uvicorn's plain text).
// Its agents answer from what they received: the first human message gets `Hi! You said: <text>`, a later one
// `You told me: <earlier texts joined by ' | '>; now: <text>`. Every request is recorded with the status it got.
import { randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface PyAgent {
  /** `metadata.ref.name`, what the bridge searches for. */
  name: string
  /** Streams `values` (`capabilities.streaming: {values: true, custom: null}`); else `streaming: null`. */
  streaming: boolean
  /** Declares `capabilities.threads: true` and keeps each thread's messages. */
  threads: boolean
  /** Its descriptor answers 500. */
  broken?: boolean
}

export interface Seen {
  method: string
  path: string
  /** The parsed JSON body, if any. */
  body: unknown
  status: number
}

export interface PyAcpServer {
  url: string
  /** The ACP agent id of each agent, by name. */
  ids: Record<string, string>
  /** Every request, in order, with the status it was answered. */
  seen: Seen[]
  close(): Promise<void>
}

/** A message as LangChain serialises it (`BaseMessage.model_dump()`). */
type LcMessage = Record<string, unknown> & { type: 'human' | 'ai'; content: unknown }

interface PyRun {
  run_id: string
  thread_id: string | null
  agent_id: string
  created_at: string
  updated_at: string
  status: 'pending' | 'success'
  creation: Record<string, unknown>
  values: { messages: LcMessage[] }
  waits: number
}

interface PyThread {
  thread_id: string
  created_at: string
  updated_at: string
  metadata: Record<string, unknown>
  messages: LcMessage[]
}

const VERSION = '0.1.0'
const STEP_MS = 5

/** RunCreateStateless / RunCreateStateful as this server's pydantic models have them: no `stream_mode`. */
const STATELESS_FIELDS = [
  'agent_id',
  'input',
  'metadata',
  'config',
  'webhook',
  'on_disconnect',
  'multitask_strategy',
  'after_seconds',
  'on_completion',
]
const STATEFUL_FIELDS = [...STATELESS_FIELDS.filter((f) => f !== 'on_completion'), 'stream_subgraphs', 'if_not_exists']

/** The defaults pydantic fills in for fields a run creation leaves out. */
const DEFAULTS = {
  on_disconnect: 'cancel',
  multitask_strategy: 'reject',
  on_completion: 'delete',
  stream_subgraphs: false,
  if_not_exists: 'reject',
}

const human = (content: unknown): LcMessage => ({
  content,
  additional_kwargs: {},
  response_metadata: {},
  type: 'human',
  name: null,
  id: randomUUID(),
  example: false,
})

const ai = (content: unknown, id: string): LcMessage => ({
  content,
  additional_kwargs: {},
  response_metadata: { finish_reason: 'stop', model_name: 'fake-chat-model' },
  type: 'ai',
  name: null,
  id,
  example: false,
  tool_calls: [],
  invalid_tool_calls: [],
  usage_metadata: null,
})

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((b) => (b && typeof b === 'object' && 'text' in b ? String(b.text) : '')).join('')
      : ''

/** LangChain's reading of input messages: `{role, content}` dicts or already serialised `{type, content}`. */
function toLangChain(input: unknown): LcMessage[] {
  const messages = (input as { messages?: unknown } | null)?.messages
  if (!Array.isArray(messages)) return []
  return messages.map((m: { role?: string; type?: string; content?: unknown; id?: string }) => {
    const kind = m.type ?? m.role
    return kind === 'ai' || kind === 'assistant' ? ai(m.content, m.id ?? `run-${randomUUID()}`) : human(m.content)
  })
}

/** What the agent answers to the conversation it was given. */
export function agentAnswer(messages: LcMessage[]): string {
  const said = messages.filter((m) => m.type === 'human').map((m) => textOf(m.content))
  const last = said.at(-1) ?? ''
  return said.length <= 1 ? `Hi! You said: ${last}` : `You told me: ${said.slice(0, -1).join(' | ')}; now: ${last}`
}

/** pydantic's 422 for a request body. */
const validationError = (loc: string, type: string, msg: string, input: unknown) => ({
  type,
  loc: ['body', loc],
  msg,
  input,
})

export async function startPyAcpServer(agents: PyAgent[]): Promise<PyAcpServer> {
  const ids: Record<string, string> = Object.fromEntries(agents.map((a) => [a.name, randomUUID()]))
  const byId = new Map(agents.map((a) => [ids[a.name] as string, a]))
  const seen: Seen[] = []
  const runs = new Map<string, PyRun>()
  const threads = new Map<string, PyThread>()
  const now = () => new Date().toISOString()

  const metadata = (a: PyAgent) => ({
    ref: { name: a.name, version: VERSION, url: null },
    description: `${a.name}, a LangGraph agent`,
  })
  const descriptor = (a: PyAgent) => ({
    metadata: metadata(a),
    specs: {
      capabilities: {
        threads: a.threads ? true : null,
        interrupts: null,
        callbacks: null,
        streaming: a.streaming ? { values: true, custom: null } : null,
      },
      input: {
        type: 'object',
        properties: { messages: { type: 'array', items: { type: 'object' } } },
        required: ['messages'],
      },
      output: { type: 'object', properties: { messages: { type: 'array', items: { type: 'object' } } } },
      custom_streaming_update: null,
      thread_state: a.threads ? { type: 'object', properties: { messages: { type: 'array' } } } : null,
      config: null,
      interrupts: null,
    },
  })
  /** The run object as pydantic dumps it; the creation echo has every field of the model, unset ones null. */
  const runJson = (run: PyRun) => ({
    run_id: run.run_id,
    thread_id: run.thread_id,
    agent_id: run.agent_id,
    created_at: run.created_at,
    updated_at: run.updated_at,
    status: run.status,
    creation: run.creation,
  })
  const threadJson = (t: PyThread) => ({
    thread_id: t.thread_id,
    created_at: t.created_at,
    updated_at: t.updated_at,
    metadata: t.metadata,
    status: 'idle',
    values: t.messages.length ? { messages: t.messages } : null,
    messages: null,
  })

  type Answer = { status: number; json?: unknown; text?: string; sse?: (res: ServerResponse) => Promise<void> }
  const detail = (status: number, message: string): Answer => ({ status, json: { detail: message } })

  /** Validates a run creation the way the pydantic model does, then makes the run and its answer. */
  function createRun(body: unknown, fields: string[], thread?: PyThread): Answer | PyRun {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return {
        status: 422,
        json: {
          detail: [
            validationError(
              '',
              'model_attributes_type',
              'Input should be a valid dictionary or object to extract fields from',
              body,
            ),
          ],
        },
      }
    const b = body as Record<string, unknown>
    const errors = [
      ...(b.config === undefined ? [validationError('config', 'missing', 'Field required', b)] : []),
      ...Object.keys(b)
        .filter((k) => !fields.includes(k))
        .map((k) => validationError(k, 'extra_forbidden', 'Extra inputs are not permitted', b[k])),
    ]
    if (errors.length) return { status: 422, json: { detail: errors } }
    const agent = byId.get(String(b.agent_id))
    if (!agent) return detail(404, `Agent with ID ${String(b.agent_id)} not found`)
    const input = toLangChain(b.input)
    const conversation = [...(thread?.messages ?? []), ...input]
    const runId = randomUUID()
    const answer = agentAnswer(conversation)
    const creation: Record<string, unknown> = { ...Object.fromEntries(fields.map((f) => [f, null])), ...DEFAULTS }
    for (const key of Object.keys(creation)) if (!fields.includes(key)) delete creation[key]
    Object.assign(creation, b, {
      config: {
        tags: null,
        recursion_limit: null,
        configurable: null,
        ...(b.config as Record<string, unknown>),
      },
    })
    const run: PyRun = {
      run_id: runId,
      thread_id: thread?.thread_id ?? null,
      agent_id: ids[agent.name] as string,
      created_at: now(),
      updated_at: now(),
      status: 'pending',
      creation,
      // The answer's content as text blocks, the way chat models that return blocks are serialised.
      values: { messages: [...conversation, ai([{ type: 'text', text: answer }], `run-${runId}`)] },
      waits: 0,
    }
    runs.set(runId, run)
    return run
  }

  /** The run's stream: the input echo, the answer growing word by word (string content), then `success`. */
  const streamRun =
    (run: PyRun) =>
    async (res: ServerResponse): Promise<void> => {
      const echo = run.values.messages.slice(0, -1)
      const final = run.values.messages.at(-1) as LcMessage
      const words = textOf(final.content).split(' ')
      const frames: { status: string; messages: LcMessage[] }[] = [{ status: 'pending', messages: echo }]
      for (let i = 1; i <= words.length; i++)
        frames.push({ status: 'pending', messages: [...echo, { ...final, content: words.slice(0, i).join(' ') }] })
      frames.push({ status: 'success', messages: run.values.messages })
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' })
      let id = 0
      for (const frame of frames) {
        if (frame.status === 'success') {
          run.status = 'success'
          run.updated_at = now()
        }
        const data = {
          type: 'values',
          run_id: run.run_id,
          status: frame.status,
          values: { messages: frame.messages },
          messages: null,
        }
        res.write(`id: ${++id}\nevent: agent_event\ndata: ${JSON.stringify(data)}\n\n`)
        await new Promise((r) => setTimeout(r, STEP_MS))
      }
      res.end()
    }

  /** `/wait`: the first call comes back at its own timeout with the run still pending; then the result. */
  function waitRun(run: PyRun): Answer {
    run.waits++
    if (run.waits === 1) return { status: 200, json: { run: runJson(run), output: null } }
    run.status = 'success'
    run.updated_at = now()
    const thread = run.thread_id ? threads.get(run.thread_id) : undefined
    if (thread) {
      thread.messages = run.values.messages
      thread.updated_at = now()
    }
    return { status: 200, json: { run: runJson(run), output: { type: 'result', values: run.values, messages: null } } }
  }

  async function route(method: string, path: string, body: unknown): Promise<Answer> {
    const parts = path.split('/').filter(Boolean)
    const agentOf = (run: PyRun) => byId.get(run.agent_id) as PyAgent
    if (method === 'POST' && path === '/agents/search') {
      const q = (body ?? {}) as { name?: string | null; version?: string | null }
      return {
        status: 200,
        json: agents
          .filter((a) => (q.name == null || q.name === a.name) && (q.version == null || q.version === VERSION))
          .map((a) => ({ agent_id: ids[a.name], metadata: metadata(a) })),
      }
    }
    if (method === 'GET' && parts[0] === 'agents' && parts.length <= 3) {
      const agent = byId.get(parts[1] ?? '')
      if (!agent) return detail(404, `Agent with ID ${parts[1]} not found`)
      if (parts[2] === 'descriptor') {
        if (agent.broken) return { status: 500, text: 'Internal Server Error' }
        return { status: 200, json: descriptor(agent) }
      }
      return { status: 200, json: { agent_id: ids[agent.name], metadata: metadata(agent) } }
    }
    // Stateless runs.
    if (method === 'POST' && (path === '/runs' || path === '/runs/stream')) {
      const made = createRun(body, STATELESS_FIELDS)
      if (!('run_id' in made)) return made
      if (path === '/runs') return { status: 200, json: runJson(made) }
      if (!agentOf(made).streaming) {
        runs.delete(made.run_id)
        return detail(422, 'Agent does not support streaming')
      }
      return { status: 200, sse: streamRun(made) }
    }
    if (parts[0] === 'runs' && parts[1]) {
      const run = runs.get(parts[1])
      if (!run || run.thread_id) return detail(404, `Run with ID ${parts[1]} not found`)
      if (method === 'GET' && parts.length === 2) return { status: 200, json: runJson(run) }
      if (method === 'GET' && parts[2] === 'wait') return waitRun(run)
    }
    // Threads and their runs (workflow-srv does not stream thread runs: 500 Not implemented).
    if (method === 'POST' && path === '/threads') {
      const b = (body ?? {}) as { thread_id?: string; metadata?: Record<string, unknown> }
      const thread: PyThread = {
        thread_id: b.thread_id ?? randomUUID(),
        created_at: now(),
        updated_at: now(),
        metadata: b.metadata ?? {},
        messages: [],
      }
      threads.set(thread.thread_id, thread)
      return { status: 200, json: threadJson(thread) }
    }
    if (parts[0] === 'threads' && parts[1]) {
      const thread = threads.get(parts[1])
      if (!thread) return detail(404, `Thread with ID ${parts[1]} not found`)
      if (method === 'GET' && parts.length === 2) return { status: 200, json: threadJson(thread) }
      if (method === 'POST' && parts[2] === 'runs' && parts.length === 3) {
        const made = createRun(body, STATEFUL_FIELDS, thread)
        if (!('run_id' in made)) return made
        if (!agentOf(made).threads) return detail(404, 'Agent does not support threads')
        return { status: 200, json: runJson(made) }
      }
      if (method === 'POST' && parts[2] === 'runs' && parts[3] === 'stream') return detail(500, 'Not implemented')
      if (parts[2] === 'runs' && parts[3]) {
        const run = runs.get(parts[3])
        if (!run || run.thread_id !== thread.thread_id) return detail(404, `Run with ID ${parts[3]} not found`)
        if (method === 'GET' && parts.length === 4) return { status: 200, json: runJson(run) }
        if (method === 'GET' && parts[4] === 'wait') return waitRun(run)
      }
    }
    return detail(404, 'Not Found')
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const method = req.method ?? 'GET'
    const path = new URL(req.url ?? '/', 'http://x').pathname
    let body: unknown
    let answer: Answer | undefined
    try {
      body = raw ? JSON.parse(raw) : undefined
    } catch {
      answer = { status: 422, json: { detail: [validationError('', 'json_invalid', 'JSON decode error', {})] } }
    }
    answer ??= await route(method, path, body)
    seen.push({ method, path, body, status: answer.status })
    if (answer.sse) return answer.sse(res)
    if (answer.text !== undefined) {
      res.writeHead(answer.status, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(answer.text)
      return
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(answer.json))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
      res.end(`Internal Server Error: ${String(error)}`)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    ids,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
