// An Orq.ai agents upstream written from the wire digest (shared/dialects/orq.md) and held to the zod shapes of the
// official Node SDK @orq-ai/node 4.15.11, a strict client: a missing required key, a wrong enum value or an unknown
// event type breaks it. It speaks the v2 A2A-style dialect that the digest describes:
// - `GET /v2/agents` and `GET /v2/agents/{key}`: agent manifests; 404 `{message}` for an unknown key;
// - `POST /v2/agents/{key}/stream-task`: data-only SSE, each frame an envelope `{type, timestamp, data}`, the last
//   one `data: [DONE]`; no SSE ids and no resume, as on Orq;
// - `POST /v2/agents/{key}/task`: the same scenario played to its end at once, answered as an A2A-style Task;
// - every call needs `Authorization: Bearer <apiKey>`; every error body is `{message}`.
// Tasks keep their conversation on the server, so a continuation (`task_id`) carries only the new message; it is
// refused while the task's stream still runs, and a task paused on a function call only takes that call's result.
// What the agent does is chosen by the user's text, case-insensitively, first match wins:
//   drop → two thoughts, then the socket is destroyed (no inactive, no [DONE]);
//   timeout → `agents.timeout`;
//   search (search fail) → a server-side google_search that finishes (fails), then the answer;
//   weather → a client-side `get_weather` call: inactive `function_call` with `pending_tool_calls`;
//   deploy (deploy … reject) → an approval reviewed in Orq's UI (approved / rejected), then the answer;
//   team / delegate → a hand-off to the sub-agent `research-helper`, its thoughts, then the root's answer;
//   fail → some text, then `event.agents.errored` (no inactive);
//   anything else → `You said: <text>`.
// "slow" anywhere in the text holds each thought after the first for `slowMs`, so a test can see the first delta
// before the upstream finishes. The exact texts are in `orqText`.
import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

type Json = Record<string, unknown>

export interface OrqServerOptions {
  /** The bearer token it accepts; default `orq-test-key`. */
  apiKey?: string
  /** The root agent's key; default `trip-helper`. */
  agentKey?: string
  /** Pause before each stream event after the first; default 5 ms. */
  delayMs?: number
  /** Pause before each thought after the first when the user's text says "slow"; default 300 ms. */
  slowMs?: number
  /** A raw envelope sent as is right after `event.agents.started` in every stream (e.g. a future event type). */
  extraEvent?: Json
}

/** A request as it arrived; `body` is the parsed JSON, or the raw text when it was not JSON. */
export interface OrqRequest {
  method: string
  path: string
  query: string
  headers: IncomingHttpHeaders
  body: unknown
  /** The status it was answered with (200 for a stream, even one that later drops). */
  status: number
}

type Role = 'user' | 'agent' | 'tool' | 'system'
type TaskState = 'working' | 'input-required' | 'completed' | 'failed'

export interface OrqMessage {
  messageId: string
  role: Role
  parts: Json[]
}

export interface OrqTask {
  id: string
  contextId: string
  agentKey: string
  /** The root agent's conversation: user and tool messages as received, the agent's answers. */
  messages: OrqMessage[]
  /** True while a stream of the task runs; a continuation then gets 409. */
  active: boolean
  state: TaskState
  /** The function call it waits for (state `input-required`). */
  pending?: ToolCall
  /** What the Task JSON shows as `status.message`. */
  status?: OrqMessage
}

interface ToolCall {
  id: string
  name: string
  arguments: Json
}

export interface OrqAgentInfo {
  key: string
  /** The manifest `_id`: `agent_id` and `agent_manifest_id` in the events. */
  id: string
}

export interface OrqServer {
  /** Base URL, e.g. `http://127.0.0.1:PORT`; give it to the SDK as `serverURL`. */
  url: string
  apiKey: string
  requests: OrqRequest[]
  tasks: Map<string, OrqTask>
  /** The root agent and its sub-agent (`research-helper`). */
  agents: { root: OrqAgentInfo; sub: OrqAgentInfo }
  workspaceId: string
  close(): Promise<void>
}

export const ORQ_SUB_AGENT_KEY = 'research-helper'

/** The texts the agent answers with, for tests to assert. */
export const orqText = {
  /** The default answer; `earlier` are the task's previous user texts. */
  plain: (text: string, earlier: string[] = []) =>
    `You said: ${text}${earlier.length ? ` (earlier: ${earlier.join(' | ')})` : ''}`,
  weather: (city: string, temperature: string) => `It is ${temperature} in ${city}.`,
  search: (query: string) => `I searched for "${query}" and found the Orq.ai docs.`,
  searchFailed: (query: string) => `I could not search for "${query}", but I can still help.`,
  searchError: 'Search provider unavailable',
  deployed: 'Deployed to production.',
  deployRejected: 'The deployment to production was rejected.',
  subAgent: (text: string) => `Notes on: ${text}`,
  team: (text: string) => `From my team: Notes on: ${text}`,
  /** The text before `event.agents.errored`; it grows as `Let me`, `Let me look into`, then this. */
  beforeError: 'Let me look into that',
  error: 'The model provider returned an error.',
  timeout: (seconds: number) => `Stream timed out after ${seconds} seconds.`,
}

/** The text as thoughts carry it: up to three growing snapshots cut at spaces, the last the whole text. */
export function snapshots(text: string): string[] {
  const words = text.split(' ')
  const cuts = [1, 2, 3].map((k) => Math.ceil((words.length * k) / 3))
  return [...new Set(cuts)].map((n) => words.slice(0, n).join(' '))
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A ULID: 10 characters of milliseconds, 16 random ones, Crockford base32 (Orq's ids look like this). */
export function ulid(now = Date.now()): string {
  let id = ''
  for (let i = 0, t = now; i < 10; i++, t = Math.floor(t / 32)) id = CROCKFORD.charAt(t % 32) + id
  for (const byte of randomBytes(16)) id += CROCKFORD.charAt(byte % 32)
  return id
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const words = (text: string) => text.split(/\s+/).filter(Boolean).length
const textOf = (parts: Json[]) =>
  parts
    .filter((p) => p.kind === 'text')
    .map((p) => String(p.text))
    .join('\n')

interface Agent {
  id: string
  key: string
  role: string
  description: string
  instructions: string
}

interface Tool {
  id: string
  key: string
  action_type: string
  display_name: string
  description: string
  requires_approval: boolean
}

/** One frame of a stream: an envelope to stamp with the time it is sent, or a raw one sent as is. */
type Step = { pauseMs: number; type: string; data: Json } | { pauseMs: number; raw: Json }

/** One execution of a task: the frames it sends, and what the task becomes when it ends. */
interface Run {
  task: OrqTask
  agent: Agent
  workflowRunId: string
  traceId: string
  steps: Step[]
  iteration: number
  /** Pause before the thoughts after the first of a text. */
  thoughtPauseMs: number
  drop: boolean
  /** The function call whose result this run's input carries. */
  answering?: ToolCall
  outcome: { state: TaskState; pending?: ToolCall; status?: OrqMessage }
}

type Answer = { status: number; json?: unknown; run?: Run; stream?: boolean }

export async function startOrqServer(options: OrqServerOptions = {}): Promise<OrqServer> {
  const apiKey = options.apiKey ?? 'orq-test-key'
  const delayMs = options.delayMs ?? 5
  const slowMs = options.slowMs ?? 300
  const workspaceId = randomUUID()
  const projectId = randomUUID()
  const requests: OrqRequest[] = []
  const tasks = new Map<string, OrqTask>()
  const now = () => new Date().toISOString()
  const created = now()

  const root: Agent = {
    id: ulid(),
    key: options.agentKey ?? 'trip-helper',
    role: 'Trip helper',
    description: 'Helps plan trips: weather, web search, deployments and a research team.',
    instructions: 'Help users plan their trips.',
  }
  const sub: Agent = {
    id: ulid(),
    key: ORQ_SUB_AGENT_KEY,
    role: 'Researcher',
    description: 'Takes notes on a topic for the trip helper.',
    instructions: 'Take short notes on what you are asked.',
  }
  const agents = [root, sub]
  const tool = (key: string, action_type: string, display_name: string, description: string, approval = false) => ({
    id: ulid(),
    key,
    action_type,
    display_name,
    description,
    requires_approval: approval,
  })
  const tools = {
    weather: tool('get_weather', 'function', 'Get weather', 'The current weather in a city.'),
    search: tool('google_search', 'google_search', 'Google search', 'Searches the web.'),
    deploy: tool('deploy', 'function', 'Deploy', 'Deploys the trip site.', true),
  }

  /** The manifest as `GET /v2/agents/{key}` answers it (RetrieveAgentRequestResponseBody). */
  const manifest = (agent: Agent) => ({
    _id: agent.id,
    key: agent.key,
    display_name: agent.role,
    project_id: projectId,
    created_by_id: null,
    updated_by_id: null,
    created,
    updated: created,
    status: 'live',
    version: 'v1',
    path: 'Default/agents',
    memory_stores: [],
    team_of_agents: agent === root ? [{ key: sub.key, role: sub.role }] : [],
    metrics: { total_cost: 0 },
    variables: {},
    knowledge_bases: [],
    source: 'internal',
    engine: 'text',
    type: 'internal',
    role: agent.role,
    description: agent.description,
    system_prompt: null,
    instructions: agent.instructions,
    settings: {
      max_iterations: 100,
      max_execution_time: 600,
      max_cost: 0,
      tool_approval_required: 'respect_tool',
      tools: agent === root ? Object.values(tools) : [],
    },
    model: { id: 'openai/gpt-4o', integration_id: null, parameters: { temperature: 0.2 } },
  })

  const error = (status: number, message: string): Answer => ({ status, json: { message } })

  // ── Events ──────────────────────────────────────────────────────────────────────────────────────────────────────

  const emit = (run: Run, type: string, data: Json, pauseMs = delayMs) => run.steps.push({ pauseMs, type, data })

  /** How a message shows in `message_difference`: stamped with the agent and execution that wrote it. */
  const diffEntry = (message: OrqMessage, agentId: string, executionId: string) => ({
    ...message,
    agent_id: agentId,
    agent_execution_id: executionId,
    workspace_id: workspaceId,
  })

  /** Adds a message to the root conversation; its index there is its key in `message_difference`. */
  const append = (run: Run, role: Role, parts: Json[]) => {
    const message: OrqMessage = { messageId: ulid(), role, parts }
    run.task.messages.push(message)
    return { index: run.task.messages.length - 1, message }
  }

  /**
   * The agent writes `text` as growing snapshots, one thought each. `final` makes the last thought `stop` (else every
   * `finish_reason` is null); `extra` are more changed messages shown with the first thought; `as` writes it as the
   * sub-agent in its own conversation (index 1, after its input).
   */
  function say(
    run: Run,
    text: string,
    more: { final?: boolean; extra?: Json; as?: { agent: Agent; executionId: string }; upTo?: number } = {},
  ): OrqMessage {
    const { final = true, as } = more
    const message: OrqMessage = { messageId: ulid(), role: 'agent', parts: [{ kind: 'text', text }] }
    const index = as ? 1 : run.task.messages.push(message) - 1
    const agentId = as?.agent.id ?? run.agent.id
    const executionId = as?.executionId ?? run.task.id
    const texts = snapshots(text).slice(0, more.upTo)
    run.iteration++
    texts.forEach((snapshot, i) => {
      const last = i === texts.length - 1
      emit(
        run,
        'event.agents.thought',
        {
          agent_id: agentId,
          message_difference: {
            ...(i === 0 ? more.extra : {}),
            [index]: diffEntry({ ...message, parts: [{ kind: 'text', text: snapshot }] }, agentId, executionId),
          },
          choice: {
            finish_reason: final && last ? 'stop' : null,
            index: 0,
            message: { role: 'assistant', content: snapshot },
          },
          iteration: run.iteration,
          accumulated_execution_time: 0,
        },
        i === 0 ? delayMs : run.thoughtPauseMs,
      )
    })
    return message
  }

  const newCall = (name: string, args: Json): ToolCall => ({ id: `call_${ulid()}`, name, arguments: args })

  /** The model asks for a tool: a thought whose agent message holds the `tool_call` part. */
  function askFor(run: Run, call: ToolCall): OrqMessage {
    const { index, message } = append(run, 'agent', [
      { kind: 'tool_call', tool_name: call.name, tool_call_id: call.id, arguments: call.arguments },
    ])
    run.iteration++
    const fn = { name: call.name, arguments: JSON.stringify(call.arguments) }
    emit(run, 'event.agents.thought', {
      agent_id: run.agent.id,
      message_difference: { [index]: diffEntry(message, run.agent.id, run.task.id) },
      choice: {
        finish_reason: 'tool_calls',
        index: 0,
        message: { role: 'assistant', tool_calls: [{ index: 0, id: call.id, type: 'function', function: fn }] },
      },
      iteration: run.iteration,
      accumulated_execution_time: 0,
    })
    return message
  }

  /** The tool result as the conversation keeps it, keyed for the next thought's `message_difference`. */
  const toolResult = (run: Run, call: ToolCall, result: unknown): Json => {
    const { index, message } = append(run, 'tool', [{ kind: 'tool_result', tool_call_id: call.id, result }])
    return { [index]: diffEntry(message, run.agent.id, run.task.id) }
  }

  /** `tool_execution_context` of a server-side tool run: the trio of events correlates by `agent_tool_call_id`. */
  const context = (run: Run, actionId: string, call: ToolCall) => ({
    action_id: actionId,
    agent_tool_call_id: call.id,
    workspace_id: workspaceId,
    agent_manifest_id: run.agent.id,
    agent_execution_id: run.task.id,
    product: 'agents',
  })

  const toolStarted = (run: Run, t: Tool, actionId: string, call: ToolCall) =>
    emit(run, 'event.workflow_events.tool_execution_started', {
      tool_id: t.id,
      tool_key: t.key,
      tool_display_name: t.display_name,
      tool_description: t.description,
      action_type: t.action_type,
      tool_arguments: call.arguments,
      tool_execution_context: context(run, actionId, call),
      workflowRunId: run.workflowRunId,
    })

  const toolFinished = (run: Run, t: Tool, actionId: string, call: ToolCall, result: unknown) =>
    emit(run, 'event.workflow_events.tool_execution_finished', {
      result,
      action_type: t.action_type,
      tool_execution_context: context(run, actionId, call),
      workflowRunId: run.workflowRunId,
    })

  /** The usage of an answer: the conversation's words in, the answer's words out. */
  const usage = (run: Run, answer: string) => {
    const prompt = 20 + run.task.messages.reduce((n, m) => n + words(textOf(m.parts)), 0)
    const completion = Math.max(1, words(answer))
    return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
  }

  /** The agent is done: inactive `stop` with its last message, and the task completed. */
  function stop(run: Run, message: OrqMessage) {
    const text = textOf(message.parts)
    emit(run, 'event.agents.inactive', {
      last_message: text,
      last_message_full: message,
      finish_reason: 'stop',
      usage: usage(run, text),
      workflowRunId: run.workflowRunId,
    })
    run.outcome = { state: 'completed', status: message }
  }

  /** The execution failed: the Task shows an agent message with an error part. */
  const failed = (run: Run, message: string, code: number) => {
    run.outcome = {
      state: 'failed',
      status: { messageId: ulid(), role: 'agent', parts: [{ kind: 'error', error: message, code }] },
    }
  }

  // ── Scenarios ───────────────────────────────────────────────────────────────────────────────────────────────────

  function play(run: Run, input: OrqMessage, body: Json): void {
    const { task } = run
    if (input.role === 'tool') {
      // The result of the pending get_weather call (validated before).
      const call = run.answering as ToolCall
      const part = input.parts[0] as Json
      const result = part.result
      const temperature =
        typeof result === 'object' && result !== null && 'temperature' in result
          ? String(result.temperature)
          : typeof result === 'string'
            ? result
            : JSON.stringify(result ?? null)
      stop(run, say(run, orqText.weather(String(call.arguments.city), temperature)))
      return
    }
    const text = textOf(input.parts)
    const lower = text.toLowerCase()
    if (lower.includes('drop')) {
      // Orq has no resume: the connection just goes.
      say(run, orqText.plain(text), { final: false, upTo: 2 })
      run.drop = true
      failed(run, 'Stream dropped', 500)
      return
    }
    if (lower.includes('timeout')) {
      const seconds = typeof body.stream_timeout_seconds === 'number' ? body.stream_timeout_seconds : 1800
      emit(run, 'agents.timeout', { message: orqText.timeout(seconds) })
      failed(run, orqText.timeout(seconds), 504)
      return
    }
    if (lower.includes('search')) {
      const query = text.replace(/^.*?\bsearch\b\s*(?:for\s+)?/i, '').replace(/[?.!]+$/, '') || text
      const fails = lower.includes('fail')
      const actionId = ulid()
      const t = tools.search
      const call = newCall(t.key, { query })
      // The execution is reported before the thought with the call: consumers must pair them by call id, not order.
      toolStarted(run, t, actionId, call)
      askFor(run, call)
      if (fails) {
        emit(run, 'event.workflow_events.tool_execution_failed', {
          error: { message: orqText.searchError },
          action_type: t.action_type,
          tool_execution_context: context(run, actionId, call),
          workflowRunId: run.workflowRunId,
        })
        const extra = toolResult(run, call, { error: orqText.searchError })
        stop(run, say(run, orqText.searchFailed(query), { extra }))
        return
      }
      const result = { results: [{ title: 'Orq.ai docs', url: 'https://docs.orq.ai', snippet: `About ${query}` }] }
      toolFinished(run, t, actionId, call, result)
      stop(run, say(run, orqText.search(query), { extra: toolResult(run, call, result) }))
      return
    }
    if (lower.includes('weather')) {
      // The city: the word after "weather in" and any capitalised words that follow ("New York").
      const city = /[Ww]eather [Ii]n ([\p{L}-]+(?: \p{Lu}[\p{L}-]*)*)/u.exec(text)?.[1] ?? 'Utrecht'
      const call = newCall(tools.weather.key, { city })
      const message = askFor(run, call)
      // A client-side function: the agent pauses and the client sends the result with `task_id`.
      const pending = {
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: JSON.stringify({ city }) },
      }
      emit(run, 'event.agents.inactive', {
        last_message: '',
        last_message_full: message,
        finish_reason: 'function_call',
        pending_tool_calls: [pending],
        usage: usage(run, ''),
        workflowRunId: run.workflowRunId,
      })
      run.outcome = { state: 'input-required', pending: call, status: message }
      return
    }
    if (lower.includes('deploy')) {
      // Orq has no API to answer a review: it happens in Orq's UI, the stream only reports it.
      const t = tools.deploy
      const rejected = lower.includes('reject')
      const call = newCall(t.key, { environment: 'production' })
      askFor(run, call)
      const actionId = ulid()
      const ids = { agent_id: run.agent.id, action_id: actionId }
      emit(run, 'event.agents.action_review_requested', {
        ...ids,
        requires_approval: true,
        tool: {
          id: t.id,
          key: t.key,
          action_type: t.action_type,
          display_name: t.display_name,
          requires_approval: true,
        },
        input: call.arguments,
        agent_tool_call_id: call.id,
      })
      emit(run, 'event.agents.action_reviewed', {
        ...ids,
        agent_tool_call_id: call.id,
        review: rejected ? 'rejected' : 'approved',
        review_source: 'orq-ui',
        reviewed_by_id: ulid(),
        workflowRunId: run.workflowRunId,
      })
      if (rejected) {
        const extra = toolResult(run, call, { error: 'The action was rejected.' })
        stop(run, say(run, orqText.deployRejected, { extra }))
        return
      }
      const result = { status: 'deployed', environment: 'production' }
      toolStarted(run, t, actionId, call)
      toolFinished(run, t, actionId, call, result)
      stop(run, say(run, orqText.deployed, { extra: toolResult(run, call, result) }))
      return
    }
    if (lower.includes('team') || lower.includes('delegate')) {
      // The sub-agent's events carry its own agent id and execution id; no event says it is done.
      emit(run, 'event.agents.handed_off', { agent_id: sub.id, input: text })
      say(run, orqText.subAgent(text), { as: { agent: sub, executionId: ulid() } })
      stop(run, say(run, orqText.team(text)))
      return
    }
    if (lower.includes('fail')) {
      say(run, orqText.beforeError, { final: false })
      emit(run, 'event.agents.errored', { error: orqText.error, code: 500, workflowRunId: run.workflowRunId })
      failed(run, orqText.error, 500)
      return
    }
    const earlier = task.messages
      .slice(0, -1)
      .filter((m) => m.role === 'user')
      .map((m) => textOf(m.parts))
    stop(run, say(run, orqText.plain(text, earlier)))
  }

  // ── Requests ────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Checks a request message the way Orq's request schema does; the reason it is refused, if it is. */
  function invalidMessage(message: unknown): string | undefined {
    if (typeof message !== 'object' || message === null) return 'message is required'
    const m = message as Json
    if (m.role !== 'user' && m.role !== 'tool') return 'message.role must be "user" or "tool"'
    if (m.messageId !== undefined && typeof m.messageId !== 'string') return 'message.messageId must be a string'
    if (!Array.isArray(m.parts) || m.parts.length === 0) return 'message.parts must be a non-empty array'
    for (const [i, part] of (m.parts as unknown[]).entries()) {
      const p = (typeof part === 'object' && part !== null ? part : {}) as Json
      const where = `message.parts[${i}]`
      if (m.role === 'tool' && p.kind !== 'tool_result') return 'A tool message may only contain tool_result parts'
      if (p.kind === 'text') {
        if (typeof p.text !== 'string') return `${where}.text must be a string`
      } else if (p.kind === 'file') {
        const f = p.file as Json | undefined
        if (typeof f?.bytes !== 'string' && typeof f?.uri !== 'string') return `${where}.file needs bytes or uri`
      } else if (p.kind === 'tool_result') {
        if (typeof p.tool_call_id !== 'string' || !p.tool_call_id) return `${where}.tool_call_id is required`
      } else if (p.kind === 'error') {
        if (typeof p.error !== 'string') return `${where}.error must be a string`
      } else return `${where}.kind must be one of text, file, tool_result, error`
    }
    return undefined
  }

  /** Validates an execution request and starts its run: a new task, or the next turn of an inactive one. */
  function execute(agent: Agent, body: unknown): Answer {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return error(400, 'Body must be an object')
    const b = body as Json
    const invalid = invalidMessage(b.message)
    if (invalid) return error(400, invalid)
    const timeout = b.stream_timeout_seconds
    if (timeout !== undefined && (typeof timeout !== 'number' || timeout < 1 || timeout > 3600))
      return error(400, 'stream_timeout_seconds must be between 1 and 3600')
    const message = b.message as { messageId?: string; role: 'user' | 'tool'; parts: Json[] }
    let task: OrqTask
    if (b.task_id !== undefined) {
      const found = typeof b.task_id === 'string' ? tasks.get(b.task_id) : undefined
      if (!found || found.agentKey !== agent.key) return error(404, `Task ${String(b.task_id)} not found`)
      if (found.active) return error(409, `Task ${found.id} is still active`)
      const pending = found.pending
      if (message.role === 'tool') {
        if (!pending) return error(400, `Task ${found.id} is not waiting for tool results`)
        const stray = message.parts.find((p) => p.tool_call_id !== pending.id)
        if (stray) return error(400, `Unknown tool_call_id ${String(stray.tool_call_id)}; expected ${pending.id}`)
      } else if (pending) return error(400, `Task ${found.id} is waiting for the result of tool call ${pending.id}`)
      task = found
    } else {
      if (message.role === 'tool') return error(400, 'A tool message needs the task_id of the task that asked')
      task = { id: ulid(), contextId: ulid(), agentKey: agent.key, messages: [], active: false, state: 'working' }
      tasks.set(task.id, task)
    }
    const continuation = task.messages.length > 0
    const input: OrqMessage = { messageId: message.messageId ?? ulid(), role: message.role, parts: message.parts }
    task.messages.push(input)
    const answering = task.pending
    task.active = true
    task.state = 'working'
    task.pending = undefined
    const run: Run = {
      answering,
      task,
      agent,
      workflowRunId: ulid(),
      traceId: randomBytes(16).toString('hex'),
      steps: [],
      iteration: 0,
      thoughtPauseMs: textOf(input.parts).toLowerCase().includes('slow') ? slowMs : delayMs,
      drop: false,
      outcome: { state: 'working' },
    }
    emit(
      run,
      'agents.execution_started',
      { agent_task_id: task.id, workspace_id: workspaceId, trace_id: run.traceId },
      0,
    )
    emit(run, 'event.agents.started', {
      workflowRunId: run.workflowRunId,
      inputMessage: { messageId: input.messageId, role: input.role, parts: input.parts },
      modelId: 'openai/gpt-4o',
      instructions: agent.instructions,
      system_prompt: `You are ${agent.role}. ${agent.instructions}`,
      agent_manifest_id: agent.id,
      agent_key: agent.key,
      agent_description: agent.description,
      agent_source: 'internal',
      ...(b.variables && typeof b.variables === 'object' ? { variables: b.variables } : {}),
      is_continuation: continuation,
      stream: true,
    })
    if (options.extraEvent) run.steps.push({ pauseMs: delayMs, raw: options.extraEvent })
    play(run, input, b)
    return { status: 200, run }
  }

  /** The run has ended (or its client left): the task is inactive again, in the state the run left it. */
  function settle(run: Run) {
    const { task, outcome } = run
    task.active = false
    task.state = outcome.state
    task.pending = outcome.pending
    task.status = outcome.status
  }

  /** The task as `POST …/task` answers it; `messages` only for a blocking call. */
  const taskJson = (run: Run, blocking: boolean) => {
    const { task } = run
    const extended = (m: OrqMessage) => ({ kind: 'message', ...m })
    return {
      id: task.id,
      contextId: task.contextId,
      kind: 'task',
      status: { state: task.state, timestamp: now(), ...(task.status ? { message: extended(task.status) } : {}) },
      ...(blocking
        ? { messages: task.messages.map((m) => ({ ...extended(m), taskId: task.id, contextId: task.contextId })) }
        : {}),
      metadata: { workspace_id: workspaceId, trace_id: run.traceId },
    }
  }

  function route(method: string, path: string, query: URLSearchParams, body: unknown): Answer {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent)
    if (parts[0] !== 'v2' || parts[1] !== 'agents') return error(404, 'Not found')
    if (parts.length === 2 && method === 'GET') {
      const listed = query.get('type') === 'a2a' ? [] : agents.map(manifest)
      const limit = Number(query.get('limit')) || 50
      return { status: 200, json: { object: 'list', data: listed.slice(0, limit), has_more: listed.length > limit } }
    }
    const agent = agents.find((a) => a.key === parts[2] || a.id === parts[2])
    if (parts.length === 3 && method === 'GET')
      return agent ? { status: 200, json: manifest(agent) } : error(404, `Agent ${parts[2]} not found`)
    if (parts.length === 4 && method === 'POST' && (parts[3] === 'stream-task' || parts[3] === 'task')) {
      if (!agent) return error(404, `Agent ${parts[2]} not found`)
      const answer = execute(agent, body)
      return { ...answer, stream: parts[3] === 'stream-task' }
    }
    return error(404, 'Not found')
  }

  /** Sends a run's frames with their pauses, then `[DONE]`, or destroys the socket when the run drops. */
  async function stream(res: ServerResponse, run: Run): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    res.flushHeaders()
    let gone = false
    res.on('close', () => {
      gone = true
    })
    const began = Date.now()
    try {
      for (const step of run.steps) {
        await sleep(step.pauseMs)
        if (gone) return
        let frame: Json
        if ('raw' in step) frame = step.raw
        else {
          if (step.type === 'event.agents.thought') step.data.accumulated_execution_time = (Date.now() - began) / 1000
          frame = { type: step.type, timestamp: now(), data: step.data }
        }
        res.write(`data: ${JSON.stringify(frame)}\n\n`)
      }
      await sleep(delayMs)
      if (gone) return
      if (run.drop) res.destroy()
      else res.end('data: [DONE]\n\n')
    } finally {
      settle(run)
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const raw = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const method = req.method ?? 'GET'
    let body: unknown
    let malformed = false
    try {
      body = raw ? JSON.parse(raw) : undefined
    } catch {
      body = raw
      malformed = true
    }
    const seen: OrqRequest = {
      method,
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body,
      status: 0,
    }
    requests.push(seen)
    let answer: Answer
    const auth = req.headers.authorization
    if (!auth) answer = error(401, 'Missing API key')
    else if (auth !== `Bearer ${apiKey}`) answer = error(401, 'Invalid API key')
    else if (malformed) answer = error(400, 'Malformed JSON body')
    else answer = route(method, url.pathname, url.searchParams, body)
    seen.status = answer.status
    const { run } = answer
    if (run && answer.stream) return stream(res, run)
    if (run) {
      // `task`: the scenario played to its end at once.
      settle(run)
      if (run.drop) {
        res.destroy()
        return
      }
      const configuration = (body as Json).configuration as { blocking?: unknown } | undefined
      answer = { status: 200, json: taskJson(run, configuration?.blocking === true) }
    }
    res.writeHead(answer.status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(answer.json))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ message: String(err) }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    requests,
    tasks,
    agents: { root: { key: root.key, id: root.id }, sub: { key: sub.key, id: sub.id } },
    workspaceId,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
