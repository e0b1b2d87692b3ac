// A TrueFoundry Agent Harness upstream written from the wire digest (shared/dialects/truefoundry.md, its last section
// winning), speaking both agent surfaces under one tenant base URL (`url`, e.g. `http://127.0.0.1:P/acme`):
// - Surface A, the legacy responses stream: `POST {url}/agent/responses` (saved agent `agent_name` or inline agent
//   `model`; `previous_response_id` continues; `input` is all user messages or all `tool.approval` /
//   `tool.client_side_response` items) answers data-only SSE, one JSON event per `data:` with a `sequence_id` that
//   starts at 1 and skips 3 (1, 2, 4, 5, …) so readers must not expect contiguous numbers; `response.created` first,
//   `agent.message` chunks (the first of a model message with `role:"assistant"`, a last one with only
//   `finish_reason`), `response.done` last, except after a pause (`tool.approval_required`, `tool.response_required`,
//   `mcp.auth_required`), which ends the stream with no `response.done`. `POST {url}/agent/responses/cancel
//   {response_id}` answers `{}` and the stream ends `response.done{status:"cancelled", cancellation_reason:
//   "client-cancelled"}`.
// - Surface B, sessions and turns under `{url}/v1/agents/sessions`: create / get / list (`agent_name` required) /
//   cancel sessions; create a turn (`{input, previous_turn_id?}` → SSE), get / list turns, `POST …/turns/{id}/subscribe`
//   (`{after_sequence_number}` body, else the `Last-Event-Id` header: replays the turn's log after that number, then
//   follows it live to `turn.done`; 412 when the turn is unknown or its log expired, see `resumeTtlMs`),
//   `GET …/turns/{id}/events` (persisted content events: no lifecycle events, no deltas, messages assembled; 409 while
//   the turn runs) and `GET …/sessions/{id}/events` (newest first, lifecycle included, running turns skipped).
//   Frames are `id: <sequence_number>` + `data: <json>`, no `event:` line; numbers are contiguous per turn from 1.
//   Every event has `type`, `id` (lower-case ULID; a `model.message` and its deltas share it), ISO `created_at` and
//   `thread_id` ("main" for the root agent, the sub-agent's thread id, null on `turn.created` / `turn.done`).
//   A turn runs on the server, not on the connection: when its stream drops, it goes on writing into its log, and a
//   subscribe gets every event after the cursor.
//   A new turn while one runs cancels the running one (`turn.done{state:{status:"cancelled",
//   reason:"cancelled-for-next-turn"}}`) and chains to it; option `busyTurn: 'conflict'` answers 409 instead.
// Every call under the tenant needs `Authorization: Bearer <apiKey>` (else 401); errors are
// `{"error":{"message","type"?,"code"?}}`.
//
// What the agent does is chosen by the user's text, case-insensitively, by words starting with (first match wins):
//   fail → some text, then Surface A `response.done{status:"error"}` / B `turn.done{state.status:"error"}`;
//   refuse → a `refusal` answer;
//   github / oauth → `mcp.auth_required` (turn ends) until the `auth_url` has been fetched (GET, no auth); after that
//     an MCP call `list_pull_requests` on `github` runs and is answered;
//   sandbox → `sandbox.created` (once per conversation / session), an `exec` call on the sandbox, its result, answer;
//   ask → client-side `ask_user_question` → `tool.response_required`; the continuation's answer is used;
//   scale / deploy → `scale_deployment` on MCP server `k8s-prod` needing approval → `tool.approval_required`; allow →
//     tool result + answer, deny → a tool result saying so + a declining answer;
//   incidents / team → two sub-agents (`payments-incidents`, `search-incidents`) whose events interleave, then the
//     root's summary;
//   think → reasoning (`reasoning_content`, on A also `thinking_blocks` closed by a signature), then the plain answer;
//   anything else → `You said: <text>`, with earlier user texts of the conversation appended.
// Modifiers anywhere in the text: "slow" paces every model delta by `slowMs`; "drop" does the same and destroys the
// first stream's socket after `dropAfter` (default 4) events, while the turn / response goes on on the server.
// The exact texts are in `tfyText`.
import { randomBytes, randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

type Json = Record<string, unknown>

export interface TrueFoundryServerOptions {
  /** The bearer token it accepts; default `tfy-test-key`. */
  apiKey?: string
  /** The tenant name, the last segment of the base URL and the prefix of response ids; default `acme`. */
  tenant?: string
  /** The saved agents that exist (others get 404); default: every name exists. */
  agents?: string[]
  /** Pause before each event after the first; default 5 ms. */
  delayMs?: number
  /** Pause before each model delta when the text says "slow" or "drop"; default 300 ms. */
  slowMs?: number
  /** Destroy the socket of every first stream (not subscribes) after this many events; "drop" uses 4 if unset. */
  dropAfter?: number
  /** An event sent as is right after `response.created` / `turn.created` (A adds `sequence_id`; B frames it). */
  extraEvent?: Json
  /** A new turn while one runs: cancel the running one (default) or answer 409. */
  busyTurn?: 'cancel' | 'conflict'
  /** How long a finished turn's log stays subscribable; default 60 000 ms; after it, subscribe answers 412. */
  resumeTtlMs?: number
}

/** A request as it arrived; `body` is the parsed JSON, or the raw text when it was not JSON. */
export interface TfyRequest {
  method: string
  path: string
  query: string
  headers: IncomingHttpHeaders
  body: unknown
  /** The status it was answered with (200 for a stream, even one that later drops). */
  status: number
}

/** One event of a run's log: for Surface A `seq` is the event's `sequence_id`, for B the SSE id. */
export interface TfyLogEntry {
  seq: number
  event: Json
}

/** One execution (a response on A, a turn on B): its log grows on the server whether or not anyone reads it. */
export interface TfyRun {
  surface: 'A' | 'B'
  log: TfyLogEntry[]
  finished: boolean
  finishedAt?: number
  /** How it ended; `paused` covers the three pause events. */
  status: 'running' | 'done' | 'paused' | 'error' | 'cancelled'
}

/** An agent thread: `exec` is its Surface A `execution_id`, `id` its Surface B `thread_id`. */
export interface TfyThread {
  exec: string
  id: string
  name?: string
  parent?: { thread: TfyThread; callId: string }
}

export interface TfyCall {
  id: string
  name: string
  /** The JSON string of the arguments. */
  arguments: string
  thread: TfyThread
  /** `approval`: waits for a decision; `client`: waits for the client's result. */
  waits?: 'approval' | 'client'
}

/** What a conversation keeps across turns: the root's execution id (A) and the sandbox. */
interface Conversation {
  rootExec: string
  sandboxId?: string
}

export interface TfyResponse {
  id: string
  /** `agent_name`, or `model` for an inline agent. */
  agent: string
  previousResponseId?: string
  /** The user texts of the conversation up to and including this response. */
  texts: string[]
  run: TfyRun
  /** The calls it paused on. */
  pending: TfyCall[]
  conversation: Conversation
}

export interface TfySubject {
  subject_id: string
  subject_type: string
  subject_slug: string
}

export interface TfySession {
  id: string
  agent_name: string
  title?: string
  created_by_subject: TfySubject
  created_at: string
  updated_at: string
  /** The `x-tfy-metadata` header of the create call. */
  metadata?: string
  lastTurnId?: string
  conversation: Conversation
}

export interface TfyTurn {
  id: string
  sessionId: string
  previousTurnId: string | null
  input: Json[]
  texts: string[]
  /** `{status:"running"}`, then the state of its `turn.done`. */
  state: Json
  created_at: string
  run: TfyRun
  pending: TfyCall[]
  /** Content events as `GET …/events` lists them, by sequence number. */
  persisted: { seq: number; get: () => Json }[]
}

export interface TrueFoundryServer {
  /** The tenant base URL, e.g. `http://127.0.0.1:PORT/acme`. */
  url: string
  /** `http://127.0.0.1:PORT`; `auth_url`s live here. */
  origin: string
  apiKey: string
  tenant: string
  requests: TfyRequest[]
  responses: Map<string, TfyResponse>
  sessions: Map<string, TfySession>
  turns: Map<string, TfyTurn>
  /** MCP servers whose `auth_url` was fetched. */
  authorized: Set<string>
  /** Destroys every open stream's socket now (the runs go on). */
  dropStreams(): number
  /** Resolves when no run is running. */
  idle(): Promise<void>
  close(): Promise<void>
}

/** The texts the agent answers with, for tests to assert. */
export const tfyText = {
  /** The default answer; `earlier` are the conversation's previous user texts, `files` the attached file names. */
  plain: (text: string, earlier: string[] = [], files: string[] = []) =>
    `You said: ${text}${files.length ? ` [files: ${files.join(', ')}]` : ''}${
      earlier.length ? ` (earlier: ${earlier.join(' | ')})` : ''
    }`,
  thinking: (text: string) => `The user wrote "${text}". A short, direct answer will do.`,
  refusal: "I can't help with that request.",
  beforeError: 'Let me check that for you',
  error: 'The model provider returned an error.',
  question: 'Which environment should I use?',
  questionOptions: ['staging', 'production'],
  answered: (answer: string) => `You chose: ${answer}.`,
  scaled: (replicas: number) => `checkout-api in prod-eu now runs ${replicas} replicas.`,
  /** The tool result the harness records for a denied call. */
  deniedResult: (reason?: string) => `The user denied this tool call${reason ? `: ${reason}` : ''}.`,
  denied: (reason?: string) => `I did not scale checkout-api: the request was denied${reason ? ` (${reason})` : ''}.`,
  /** What the root asks each sub-agent. */
  childInput: (name: string) => `List open incidents for the ${name.replace(/-incidents$/, '')} team.`,
  payments: 'Payments has no open incidents.',
  search: 'Search has 1 open incident (SEV3).',
  team: 'Payments: none open. Search: 1 open (SEV3).',
  pullRequests: 'Open pull requests in acme/checkout: #42 Fix checkout timeout.',
  sandbox: 'The sandbox printed 42.',
}

/** Tools and servers of the scenarios, for tests to assert. */
export const tfyTools = {
  k8s: { id: 'k8s-prod', name: 'k8s' },
  github: { id: 'github', name: 'github' },
  scale: 'scale_deployment',
  pullRequests: 'list_pull_requests',
  ask: 'ask_user_question',
  exec: 'exec',
  spawn: 'spawn_subagent',
  children: ['payments-incidents', 'search-incidents'],
  prsResult: '[{"number":42,"title":"Fix checkout timeout"}]',
  execResult: '{"exit_code":0,"stdout":"42\\n","stderr":""}',
  scaleResult: (replicas: number) => JSON.stringify({ ok: true, replicas }),
}

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz'

/** A lower-case ULID: 10 characters of milliseconds, 16 random ones (TrueForge's event ids look like this). */
export function ulid(now = Date.now()): string {
  let id = ''
  for (let i = 0, t = now; i < 10; i++, t = Math.floor(t / 32)) id = CROCKFORD.charAt(t % 32) + id
  for (const byte of randomBytes(16)) id += CROCKFORD.charAt(byte % 32)
  return id
}

/** Text in pieces as a model streams it: one word with its trailing space each. */
export const pieces = (text: string): string[] => text.match(/\S+\s*|\s+/g) ?? [text]

/** A JSON string in up to three pieces. */
const argPieces = (json: string): string[] => {
  const n = Math.ceil(json.length / 3)
  return [json.slice(0, n), json.slice(n, 2 * n), json.slice(2 * n)].filter(Boolean)
}

const iso = () => new Date().toISOString()
const tokens = (text: string) => Math.max(1, Math.ceil(text.length / 4))
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

interface Usage {
  input_tokens: number
  output_tokens: number
  cache_read_tokens: number
  cache_write_tokens: number
  input_tokens_breakdown: { harness: number; skills: number; instructions: number; tool_definitions: number }
}

/** A model message as it stands: what it has streamed so far. */
interface Assembled {
  id: string
  thread: TfyThread
  created_at: string
  content: string
  refusal: string
  reasoning: string
  calls: TfyCall[]
  finish?: string
  usage?: Json
}

interface McpServer {
  id: string
  name: string
}

/** A model message being streamed. */
interface Msg {
  readonly assembled: Assembled
  text(piece: string): Promise<void>
  reasoning(piece: string): Promise<void>
  /** Closes the thinking block (A: a `thinking_blocks` chunk with `signature`; B has none). */
  sign(): Promise<void>
  refusal(piece: string): Promise<void>
  call(index: number, call: TfyCall): Promise<void>
  end(finish: string): Promise<Assembled>
}

/** What a scenario does, written once; each surface renders it as its own events. */
interface Out {
  start(): Promise<void>
  message(thread: TfyThread): Promise<Msg>
  /** A whole model message in one event (no deltas). */
  whole(thread: TfyThread, calls: TfyCall[], finish: string): Promise<Assembled>
  toolResult(thread: TfyThread, callId: string, content: string): Promise<void>
  mcpInit(thread: TfyThread, servers: McpServer[]): Promise<void>
  sandbox(thread: TfyThread, sandboxId: string): Promise<void>
  spawned(child: TfyThread, input: string): Promise<void>
  childDone(child: TfyThread, output: Assembled): Promise<void>
  required(kind: 'approval' | 'client', thread: TfyThread, calls: TfyCall[], source: Assembled): Promise<void>
  authRequired(thread: TfyThread, servers: McpServer[]): Promise<void>
  done(output: Assembled): Promise<void>
  error(message: string): Promise<void>
  cancelled(reason: string): Promise<void>
}

/** A decision or result for a pending call. */
interface Answer {
  call: TfyCall
  allow?: boolean
  reason?: string
  content?: string
}

type Input = { kind: 'message'; text: string; files: string[] } | { kind: 'answers'; answers: Answer[] }

/** A run with what the server needs to drive it. */
interface Run extends TfyRun {
  seq: number
  waiters: Set<() => void>
  cancelReason?: string
  interrupt?: () => void
  deltaPauseMs: number
  /** Drop the first stream after this many events. */
  dropAfter?: number
  usages: Usage[]
  reasoningTokens: number
  pending: TfyCall[]
}

type Reply =
  | { status: number; json: unknown }
  | { status: 200; run: Run; after: number; framing: 'A' | 'B'; dropAfter?: number }
  | { status: 200; html: string }

const CANCEL = Symbol('cancel')
const CLOSED = Symbol('closed')

const SUBJECT: TfySubject = { subject_id: 'u-test', subject_type: 'user', subject_slug: 'test@example.com' }

export async function startTrueFoundryServer(options: TrueFoundryServerOptions = {}): Promise<TrueFoundryServer> {
  const apiKey = options.apiKey ?? 'tfy-test-key'
  const tenant = options.tenant ?? 'acme'
  const delayMs = options.delayMs ?? 5
  const slowMs = options.slowMs ?? 300
  const resumeTtlMs = options.resumeTtlMs ?? 60_000
  const requests: TfyRequest[] = []
  const responses = new Map<string, TfyResponse>()
  const sessions = new Map<string, TfySession>()
  const turns = new Map<string, TfyTurn>()
  const authorized = new Set<string>()
  const runs = new Set<Run>()
  const sockets = new Set<ServerResponse>()
  let closed = false
  let origin = ''

  const error = (status: number, message: string, type?: string, code?: string): Reply => ({
    status,
    json: { error: { message, ...(type ? { type } : {}), ...(code ? { code } : {}) } },
  })
  const invalid = (message: string) => error(400, message, 'invalid_request_error')
  const notFound = (message: string) => error(404, message, 'not_found_error')

  // ── Runs ────────────────────────────────────────────────────────────────────────────────────────────────────────

  function newRun(surface: 'A' | 'B', text: string): Run {
    const lower = text.toLowerCase()
    const run: Run = {
      surface,
      log: [],
      finished: false,
      status: 'running',
      seq: 0,
      waiters: new Set(),
      deltaPauseMs: /\b(slow|drop)/.test(lower) ? slowMs : delayMs,
      dropAfter: options.dropAfter ?? (/\bdrop/.test(lower) ? 4 : undefined),
      usages: [],
      reasoningTokens: 0,
      pending: [],
    }
    runs.add(run)
    return run
  }

  const wake = (run: Run) => {
    for (const waiter of run.waiters) waiter()
    run.waiters.clear()
  }

  /** Waits `ms` unless the run is cancelled or the server closes meanwhile. */
  const pause = (run: Run, ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        run.interrupt = undefined
        resolve()
      }
      run.interrupt = done
    })

  /** Appends an event to the run's log after a pause; A events get their `sequence_id` (skipping 3). */
  async function push(run: Run, event: Json, pauseMs = delayMs, force = false): Promise<number> {
    if (!force) {
      if (pauseMs > 0 && !closed && !run.cancelReason) await pause(run, pauseMs)
      if (closed) throw CLOSED
      if (run.cancelReason) throw CANCEL
    }
    const seq = run.surface === 'A' && run.seq === 2 ? 4 : run.seq + 1
    run.seq = seq
    if (run.surface === 'A') event.sequence_id = seq
    run.log.push({ seq, event })
    wake(run)
    return seq
  }

  function cancel(record: TfyRun, reason: string): boolean {
    const run = record as Run
    if (run.finished || run.cancelReason) return false
    run.cancelReason = reason
    run.interrupt?.()
    return true
  }

  /** Drives a run: its scenario, or its cancellation; then marks it finished. */
  async function drive(run: Run, out: Out, scenario: () => Promise<void>, settle: () => void): Promise<void> {
    try {
      await out.start()
      await scenario()
    } catch (err) {
      if (err === CANCEL) {
        run.status = 'cancelled'
        await out.cancelled(run.cancelReason ?? 'client-cancelled')
      } else if (err !== CLOSED) {
        run.status = 'error'
        await out.error(String(err)).catch(() => undefined)
      }
    } finally {
      run.finished = true
      run.finishedAt = Date.now()
      run.interrupt = undefined
      runs.delete(run)
      settle()
      wake(run)
    }
  }

  function usage(run: Run, m: Assembled): Usage {
    const n = run.usages.length
    const breakdown = { harness: 120, skills: 0, instructions: 30, tool_definitions: 60, messages: 40 + 25 * n }
    const usage: Usage = {
      input_tokens: Object.values(breakdown).reduce((a, b) => a + b, 0),
      output_tokens: tokens(m.content + m.refusal + m.reasoning + m.calls.map((c) => c.name + c.arguments).join('')),
      cache_read_tokens: n > 0 ? 210 : 0,
      cache_write_tokens: n > 0 ? 0 : 210,
      input_tokens_breakdown: breakdown,
    }
    run.usages.push(usage)
    run.reasoningTokens += m.reasoning ? tokens(m.reasoning) : 0
    return usage
  }

  const metrics = (run: Run) => {
    const sum = (key: 'input_tokens' | 'output_tokens' | 'cache_read_tokens' | 'cache_write_tokens') =>
      run.usages.reduce((a, u) => a + u[key], 0)
    const input = sum('input_tokens')
    const output = sum('output_tokens')
    return {
      total_input_tokens: input,
      total_output_tokens: output,
      total_tokens: input + output,
      total_cache_read_tokens: sum('cache_read_tokens'),
      total_cache_write_tokens: sum('cache_write_tokens'),
      total_reasoning_tokens: run.reasoningTokens,
      total_cost_in_usd: Math.round(input * 3 + output * 15) / 1_000_000,
    }
  }

  const blank = (thread: TfyThread): Assembled => ({
    id: ulid(),
    thread,
    created_at: iso(),
    content: '',
    refusal: '',
    reasoning: '',
    calls: [],
  })

  /** A model message streamed through `chunk`; on A, reasoning chunks also carry `thinking_blocks`. */
  function streamed(
    run: Run,
    m: Assembled,
    chunk: (fields: Json, pauseMs: number) => Promise<void>,
    surface: 'A' | 'B',
  ): Msg {
    const info = (call: TfyCall) => toolInfo(call, surface)
    return {
      assembled: m,
      async text(piece) {
        m.content += piece
        await chunk({ content: piece }, run.deltaPauseMs)
      },
      async reasoning(piece) {
        m.reasoning += piece
        await chunk(
          surface === 'A'
            ? { reasoning_content: piece, thinking_blocks: [{ type: 'thinking', thinking: piece }] }
            : { reasoning_content: piece },
          run.deltaPauseMs,
        )
      },
      async sign() {
        if (surface === 'A')
          await chunk(
            { thinking_blocks: [{ type: 'thinking', thinking: '', signature: randomBytes(12).toString('base64') }] },
            run.deltaPauseMs,
          )
      },
      async refusal(piece) {
        m.refusal += piece
        await chunk({ refusal: piece }, run.deltaPauseMs)
      },
      async call(index, call) {
        m.calls.push(call)
        const head = { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }
        await chunk({ tool_calls: [{ ...head, tool_info: info(call) }] }, run.deltaPauseMs)
        for (const piece of argPieces(call.arguments))
          await chunk({ tool_calls: [{ index, function: { arguments: piece } }] }, run.deltaPauseMs)
      },
      async end(finish) {
        m.finish = finish
        const u = usage(run, m)
        m.usage = u as unknown as Json
        await chunk(surface === 'A' ? { finish_reason: finish } : { finish_reason: finish, usage: u }, run.deltaPauseMs)
        return m
      },
    }
  }

  // ── Surface A events ──────────────────────────────────────────────────────────────────────────────────────────

  function outA(run: Run, response: TfyResponse): Out {
    const exec = (t: TfyThread) => t.exec
    const finish = (status: TfyRun['status'], event: Json | undefined, force = false) =>
      (event ? push(run, event, delayMs, force) : Promise.resolve(0)).then(() => {
        run.status = status
      })
    return {
      async start() {
        await push(run, { type: 'response.created', response_id: response.id, created_at: iso() }, 0)
        if (options.extraEvent) await push(run, structuredClone(options.extraEvent))
      },
      async message(thread) {
        let first = true
        return streamed(
          run,
          blank(thread),
          async (fields, pauseMs) => {
            const role = first ? { role: 'assistant' } : {}
            first = false
            await push(run, { type: 'agent.message', ...role, execution_id: exec(thread), ...fields }, pauseMs)
          },
          'A',
        )
      },
      async whole(thread, calls, finish) {
        const m = { ...blank(thread), calls }
        m.finish = finish
        usage(run, m)
        const toolCalls = calls.map((c, index) => ({
          index,
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: c.arguments },
          tool_info: toolInfo(c, 'A'),
        }))
        await push(run, {
          type: 'agent.message',
          role: 'assistant',
          execution_id: exec(thread),
          content: '',
          tool_calls: toolCalls,
          finish_reason: finish,
        })
        return m
      },
      async toolResult(thread, callId, content) {
        await push(run, {
          type: 'agent.message',
          role: 'tool',
          tool_call_id: callId,
          content,
          execution_id: exec(thread),
          created_at: Math.floor(Date.now() / 1000),
        })
      },
      async mcpInit(thread, servers) {
        await push(run, {
          type: 'mcp.initialize',
          execution_id: exec(thread),
          content: servers.map((s) => ({ mcp_server_id: s.id, mcp_server_name: s.name, session_id: randomUUID() })),
        })
      },
      async sandbox(_thread, sandboxId) {
        await push(run, { type: 'sandbox.created', sandbox_id: sandboxId })
      },
      async spawned(child, input) {
        const parent = child.parent as { thread: TfyThread; callId: string }
        await push(run, {
          type: 'agent.created',
          execution_id: child.exec,
          parent: { tool_call_id: parent.callId, execution_id: parent.thread.exec },
          agent_info: { type: 'agent-defined', name: child.name, input },
        })
      },
      async childDone(child, output) {
        const parent = child.parent as { thread: TfyThread; callId: string }
        await push(run, {
          type: 'agent.done',
          execution_id: child.exec,
          output: {
            type: 'agent.message',
            role: 'assistant',
            content: output.content,
            execution_id: child.exec,
            finish_reason: output.finish,
          },
          parent: { tool_call_id: parent.callId, execution_id: parent.thread.exec },
        })
      },
      async required(kind, thread, calls) {
        run.pending = calls
        await finish('paused', {
          type: kind === 'approval' ? 'tool.approval_required' : 'tool.response_required',
          execution_id: exec(thread),
          tool_calls: calls.map((c) => ({ id: c.id })),
        })
      },
      async authRequired(thread, servers) {
        await finish('paused', {
          type: 'mcp.auth_required',
          servers: servers.map((s) => ({
            mcp_server_id: s.id,
            mcp_server_name: s.name,
            auth_url: authUrl(s),
            execution_ids: [exec(thread)],
          })),
        })
      },
      async done() {
        await finish('done', { type: 'response.done', status: 'done' })
      },
      async error(message) {
        await finish('error', { type: 'response.done', status: 'error', message }, run.status === 'error')
      },
      async cancelled(reason) {
        await finish('cancelled', { type: 'response.done', status: 'cancelled', cancellation_reason: reason }, true)
      },
    }
  }

  // ── Surface B events ──────────────────────────────────────────────────────────────────────────────────────────

  const modelMessage = (m: Assembled): Json => ({
    type: 'model.message',
    id: m.id,
    thread_id: m.thread.id,
    created_at: m.created_at,
    content: m.content,
    ...(m.refusal ? { refusal: m.refusal } : {}),
    ...(m.reasoning ? { reasoning_content: m.reasoning } : {}),
    ...(m.calls.length
      ? {
          tool_calls: m.calls.map((c) => ({
            id: c.id,
            type: 'function',
            function: { name: c.name, arguments: c.arguments },
            tool_info: toolInfo(c, 'B'),
          })),
        }
      : {}),
    ...(m.finish ? { finish_reason: m.finish } : {}),
    ...(m.usage ? { usage: m.usage } : {}),
  })

  function outB(run: Run, turn: TfyTurn): Out {
    const event = (type: string, thread: TfyThread | null, fields: Json = {}): Json => ({
      type,
      id: ulid(),
      thread_id: thread ? thread.id : null,
      ...fields,
      created_at: iso(),
    })
    /** A content event: logged, and kept for `GET …/events`. */
    const content = async (e: Json, pauseMs = delayMs, get: () => Json = () => e) => {
      const seq = await push(run, e, pauseMs)
      turn.persisted.push({ seq, get })
      return seq
    }
    /** The last event; it also becomes the turn's state. */
    const end = async (state: Json, status: TfyRun['status'], force = false) => {
      const full = { ...state, completed_at: iso() }
      await push(run, event('turn.done', null, { state: full }), delayMs, force)
      turn.state = full
      run.status = status
    }
    return {
      async start() {
        await push(
          run,
          event('turn.created', null, {
            turn_id: turn.id,
            previous_turn_id: turn.previousTurnId,
            input: turn.input,
            state: { status: 'running' },
            created_by: SUBJECT,
          }),
          0,
        )
        if (options.extraEvent) await content(structuredClone(options.extraEvent))
      },
      async message(thread) {
        const m = blank(thread)
        await content(
          { type: 'model.message', id: m.id, thread_id: thread.id, created_at: m.created_at, content: '' },
          delayMs,
          () => modelMessage(m),
        )
        return streamed(
          run,
          m,
          async (fields, pauseMs) => {
            await push(
              run,
              { type: 'model.message.delta', id: m.id, thread_id: thread.id, ...fields, created_at: iso() },
              pauseMs,
            )
          },
          'B',
        )
      },
      async whole(thread, calls, finish) {
        const m = { ...blank(thread), calls, finish }
        m.usage = usage(run, m) as unknown as Json
        await content(modelMessage(m))
        return m
      },
      async toolResult(thread, callId, text) {
        await content(event('tool.response', thread, { tool_call_id: callId, content: text }))
      },
      async mcpInit(thread, servers) {
        await content(
          event('mcp.initialize', thread, {
            mcp_servers: servers.map((s) => ({
              id: s.id,
              name: s.name,
              session_id: randomUUID(),
              transport_type: 'streamable-http',
            })),
          }),
        )
      },
      async sandbox(thread, sandboxId) {
        await content(event('sandbox.created', thread, { sandbox_id: sandboxId }))
      },
      async spawned(child, input) {
        const parent = child.parent as { thread: TfyThread; callId: string }
        await content(
          event('thread.created', child, {
            title: child.name,
            parent: { thread_id: parent.thread.id, tool_call_id: parent.callId },
            agent_info: { type: 'dynamic', name: child.name, input, model: 'openai-main/gpt-4o-mini' },
          }),
        )
      },
      async childDone(child, output) {
        const parent = child.parent as { thread: TfyThread; callId: string }
        await content(
          event('thread.done', child, {
            title: child.name,
            parent: { thread_id: parent.thread.id, tool_call_id: parent.callId },
            state: { status: 'done', output: modelMessage(output) },
          }),
        )
      },
      async required(kind, thread, calls, source) {
        run.pending = calls
        const e = event(kind === 'approval' ? 'tool.approval_required' : 'tool.response_required', thread, {
          tool_calls: calls.map((c) => ({ id: c.id, source_event_id: source.id })),
        })
        await content(e)
        await end({ status: 'done', output: null, required_actions: [e], metrics: metrics(run) }, 'paused')
      },
      async authRequired(thread, servers) {
        const e = event('mcp.auth_required', thread, {
          mcp_servers: servers.map((s) => ({ id: s.id, name: s.name, auth_url: authUrl(s) })),
        })
        await content(e)
        await end({ status: 'done', output: null, required_actions: [e], metrics: metrics(run) }, 'paused')
      },
      async done(output) {
        await end({ status: 'done', output: modelMessage(output), required_actions: [], metrics: metrics(run) }, 'done')
      },
      async error(message) {
        await end({ status: 'error', message }, 'error', run.status === 'error')
      },
      async cancelled(reason) {
        await end({ status: 'cancelled', reason }, 'cancelled', true)
      },
    }
  }

  // ── Scenarios ─────────────────────────────────────────────────────────────────────────────────────────────────

  const authUrl = (s: McpServer) =>
    `${origin}/oauth/authorize?mcp_server_id=${encodeURIComponent(s.id)}&state=${randomBytes(8).toString('hex')}`

  const SYSTEM = new Set<string>([tfyTools.ask, tfyTools.exec, tfyTools.spawn])
  const serverOf = (name: string): McpServer =>
    name === tfyTools.scale
      ? tfyTools.k8s
      : name === tfyTools.pullRequests
        ? tfyTools.github
        : name === tfyTools.ask
          ? { id: 'ask-user-question', name: 'ask-user-question' }
          : name === tfyTools.exec
            ? { id: 'sandbox', name: 'sandbox' }
            : { id: 'sub-agents', name: 'sub-agents' }

  /** A: `AgentMcpToolCallInfo`; B: `{type:"mcp", …}` or, for the harness's own tools, `{type:"truefoundry-system"}`. */
  function toolInfo(call: TfyCall, surface: 'A' | 'B'): Json {
    const server = serverOf(call.name)
    if (surface === 'B')
      return SYSTEM.has(call.name)
        ? { type: 'truefoundry-system', name: call.name }
        : { type: 'mcp', server_id: server.id, server_name: server.name, name: call.name }
    return {
      mcp_server_id: server.id,
      mcp_server_name: server.name,
      original_tool_name: call.name,
      ...(call.waits === 'approval' ? { is_approval_required: true } : {}),
      ...(call.waits === 'client' ? { is_client_side: true } : {}),
    }
  }

  const newCall = (thread: TfyThread, name: string, args: Json, waits?: TfyCall['waits']): TfyCall => ({
    id: `call_${randomBytes(9).toString('base64url')}`,
    name,
    arguments: JSON.stringify(args),
    thread,
    ...(waits ? { waits } : {}),
  })

  async function write(m: Msg, text: string): Promise<void> {
    for (const piece of pieces(text)) await m.text(piece)
  }

  /** The root answers `text` and the run is done. */
  async function say(out: Out, root: TfyThread, text: string): Promise<void> {
    const m = await out.message(root)
    await write(m, text)
    await out.done(await m.end('stop'))
  }

  /** The root calls one tool (streamed); returns the message that holds the call. */
  async function callTool(out: Out, root: TfyThread, call: TfyCall): Promise<Assembled> {
    const m = await out.message(root)
    await m.call(0, call)
    return m.end('tool_calls')
  }

  async function play(out: Out, root: TfyThread, conversation: Conversation, input: Input, earlier: string[]) {
    if (input.kind === 'answers') {
      const texts: string[] = []
      for (const a of input.answers) {
        if (a.call.name === tfyTools.ask) texts.push(tfyText.answered(a.content ?? ''))
        else {
          const replicas = Number(JSON.parse(a.call.arguments).replicas)
          await out.toolResult(
            a.call.thread,
            a.call.id,
            a.allow ? tfyTools.scaleResult(replicas) : tfyText.deniedResult(a.reason),
          )
          texts.push(a.allow ? tfyText.scaled(replicas) : tfyText.denied(a.reason))
        }
      }
      return say(out, root, texts.join(' '))
    }
    const { text, files } = input
    const lower = text.toLowerCase()
    const has = (re: RegExp) => re.test(lower)
    if (has(/\bfail/)) {
      const m = await out.message(root)
      await write(m, tfyText.beforeError)
      return out.error(tfyText.error)
    }
    if (has(/\brefuse/)) {
      const m = await out.message(root)
      for (const piece of pieces(tfyText.refusal)) await m.refusal(piece)
      return out.done(await m.end('stop'))
    }
    if (has(/\b(github|oauth)/)) {
      const github = tfyTools.github
      if (!authorized.has(github.id)) return out.authRequired(root, [github])
      await out.mcpInit(root, [github])
      const call = newCall(root, tfyTools.pullRequests, { repo: 'acme/checkout', state: 'open' })
      await callTool(out, root, call)
      await out.toolResult(root, call.id, tfyTools.prsResult)
      return say(out, root, tfyText.pullRequests)
    }
    if (has(/\bsandbox/)) {
      if (!conversation.sandboxId) {
        conversation.sandboxId = `sbx-${randomBytes(6).toString('hex')}`
        await out.sandbox(root, conversation.sandboxId)
      }
      const call = newCall(root, tfyTools.exec, { command: 'echo 42' })
      await callTool(out, root, call)
      await out.toolResult(root, call.id, tfyTools.execResult)
      return say(out, root, tfyText.sandbox)
    }
    if (has(/\bask/)) {
      const args = { question: tfyText.question, options: tfyText.questionOptions }
      const call = newCall(root, tfyTools.ask, args, 'client')
      const m = await callTool(out, root, call)
      return out.required('client', root, [call], m)
    }
    if (has(/\b(scale|deploy)/)) {
      const replicas = Number(/\b(\d+)\b/.exec(text)?.[1] ?? 3)
      await out.mcpInit(root, [tfyTools.k8s])
      const call = newCall(root, tfyTools.scale, { namespace: 'prod-eu', name: 'checkout-api', replicas }, 'approval')
      const m = await callTool(out, root, call)
      return out.required('approval', root, [call], m)
    }
    if (has(/\b(incidents?|team)/)) {
      const children = tfyTools.children.map((name) => {
        const input = tfyText.childInput(name)
        const call = newCall(root, tfyTools.spawn, { name, input })
        const thread: TfyThread = { exec: randomUUID(), id: ulid(), name, parent: { thread: root, callId: call.id } }
        return { call, thread, input }
      })
      await out.whole(
        root,
        children.map((c) => c.call),
        'tool_calls',
      )
      for (const c of children) await out.spawned(c.thread, c.input)
      const [a, b] = children.map((c) => c.thread) as [TfyThread, TfyThread]
      const calls = children.map((c) => c.call)
      const ma = await out.message(a)
      const mb = await out.message(b)
      const pa = pieces(tfyText.payments)
      const pb = pieces(tfyText.search)
      for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
        if (pa[i] !== undefined) await ma.text(pa[i] as string)
        if (pb[i] !== undefined) await mb.text(pb[i] as string)
      }
      const oa = await ma.end('stop')
      const ob = await mb.end('stop')
      await out.childDone(a, oa)
      await out.childDone(b, ob)
      await out.toolResult(root, calls[0]?.id ?? '', oa.content)
      await out.toolResult(root, calls[1]?.id ?? '', ob.content)
      return say(out, root, tfyText.team)
    }
    const answer = tfyText.plain(text, earlier, files)
    if (has(/\bthink/)) {
      const m = await out.message(root)
      for (const piece of pieces(tfyText.thinking(text))) await m.reasoning(piece)
      await m.sign()
      await write(m, answer)
      return out.done(await m.end('stop'))
    }
    return say(out, root, answer)
  }

  // ── Input validation ──────────────────────────────────────────────────────────────────────────────────────────

  /** The text and file names of a user message's content (A `file_upload` or B `file` parts); else why not. */
  function userContent(
    content: unknown,
    where: string,
    surface: 'A' | 'B',
  ): { text: string; files: string[] } | string {
    if (typeof content === 'string') return { text: content, files: [] }
    if (!Array.isArray(content) || content.length === 0) return `${where}.content must be a string or a parts array`
    const texts: string[] = []
    const files: string[] = []
    for (const [i, part] of content.entries()) {
      const p = isObject(part) ? part : {}
      const at = `${where}.content[${i}]`
      if (p.type === 'text') {
        if (typeof p.text !== 'string') return `${at}.text must be a string`
        texts.push(p.text)
      } else if (surface === 'A' && p.type === 'file_upload') {
        const f = isObject(p.file) ? p.file : {}
        if (typeof f.filename !== 'string' || typeof f.file_data !== 'string' || !f.file_data.startsWith('data:'))
          return `${at}.file needs filename and a data URI file_data`
        files.push(f.filename)
      } else if (surface === 'B' && p.type === 'file') {
        if (typeof p.name !== 'string' || typeof p.data !== 'string' || !p.data.startsWith('data:'))
          return `${at} needs name and a data URI data`
        files.push(p.name)
      } else return `${at}.type must be text or ${surface === 'A' ? 'file_upload' : 'file'}`
    }
    return { text: texts.join('\n'), files }
  }

  /** Matches decisions / results to the pending calls: every pending call exactly once. */
  function matchAnswers(
    items: Json[],
    pending: TfyCall[],
    key: 'execution_id' | 'thread_id',
    kinds: { approval: string; client: string },
  ): Answer[] | string {
    if (pending.length === 0) return 'There are no pending tool calls to answer'
    const answers: Answer[] = []
    for (const [i, item] of items.entries()) {
      const where = `input[${i}]`
      if (typeof item[key] !== 'string') return `${where}.${key} is required`
      if (typeof item.tool_call_id !== 'string') return `${where}.tool_call_id is required`
      const call = pending.find((c) => c.id === item.tool_call_id)
      if (!call) return `${where}.tool_call_id ${item.tool_call_id} is not a pending tool call`
      const owner = key === 'execution_id' ? call.thread.exec : call.thread.id
      if (item[key] !== owner) return `${where}.${key} ${String(item[key])} does not own tool call ${call.id}`
      if (answers.some((a) => a.call === call)) return `${where} answers tool call ${call.id} twice`
      if (call.waits === 'approval') {
        if (item.type !== kinds.approval) return `Tool call ${call.id} waits for a ${kinds.approval} item`
        const approval = isObject(item.approval) ? item.approval : {}
        if (approval.status !== 'allow' && approval.status !== 'deny')
          return `${where}.approval.status must be "allow" or "deny"`
        if (approval.reason !== undefined && typeof approval.reason !== 'string')
          return `${where}.approval.reason must be a string`
        answers.push({ call, allow: approval.status === 'allow', reason: approval.reason as string | undefined })
      } else {
        if (item.type !== kinds.client) return `Tool call ${call.id} waits for a ${kinds.client} item`
        if (typeof item.content !== 'string') return `${where}.content must be a string`
        answers.push({ call, content: item.content })
      }
    }
    const missing = pending.filter((c) => !answers.some((a) => a.call === c))
    if (missing.length) return `Missing answers for pending tool calls: ${missing.map((c) => c.id).join(', ')}`
    return answers
  }

  /** Splits an input array into user messages or answers; the homogeneous forms only. */
  function readInput(
    input: unknown,
    surface: 'A' | 'B',
  ): { messages: { text: string; files: string[] }[] } | { answers: Json[] } | string {
    if (!Array.isArray(input) || input.length === 0) return 'input must be a non-empty array'
    const isMessage = (item: Json) => (surface === 'A' ? item.role === 'user' : item.type === 'user.message')
    const answerTypes =
      surface === 'A' ? ['tool.approval', 'tool.client_side_response'] : ['user.tool_approval', 'user.tool_response']
    const items = input.map((item) => (isObject(item) ? item : {}))
    const messages = items.filter(isMessage)
    const answers = items.filter((item) => answerTypes.includes(String(item.type)))
    if (messages.length + answers.length !== items.length) {
      const i = items.findIndex((item) => !isMessage(item) && !answerTypes.includes(String(item.type)))
      const what = surface === 'A' ? 'a user message ({role:"user", content})' : 'a user.message'
      return `input[${i}] must be ${what} or one of ${answerTypes.join(', ')}`
    }
    if (messages.length && answers.length)
      return `input must be all user messages or all ${answerTypes.join(' / ')} items, not a mix`
    if (answers.length) return { answers }
    const read: { text: string; files: string[] }[] = []
    for (const [i, item] of messages.entries()) {
      const content = userContent(item.content, `input[${i}]`, surface)
      if (typeof content === 'string') return content
      read.push(content)
    }
    return { messages: read }
  }

  const messageInput = (messages: { text: string; files: string[] }[]): Input => ({
    kind: 'message',
    text: messages.map((m) => m.text).join('\n'),
    files: messages.flatMap((m) => m.files),
  })

  // ── Surface A requests ────────────────────────────────────────────────────────────────────────────────────────

  function createResponse(body: unknown): Reply {
    if (!isObject(body)) return invalid('Body must be a JSON object')
    const saved = typeof body.agent_name === 'string' && body.agent_name !== ''
    const inline = typeof body.model === 'string' && body.model !== ''
    if (saved === inline) return invalid('Provide either agent_name (saved agent) or model (inline agent)')
    const agent = String(saved ? body.agent_name : body.model)
    if (saved && options.agents && !options.agents.includes(agent)) return notFound(`Agent ${agent} not found`)
    if (inline) {
      if (body.instruction !== undefined && typeof body.instruction !== 'string')
        return invalid('instruction must be a string')
      if (body.mcp_servers !== undefined) {
        if (!Array.isArray(body.mcp_servers)) return invalid('mcp_servers must be an array')
        for (const [i, s] of body.mcp_servers.entries()) {
          const server = isObject(s) ? s : {}
          if (typeof server.name !== 'string') return invalid(`mcp_servers[${i}].name is required`)
          if (typeof server.enable_all_tools !== 'boolean')
            return invalid(`mcp_servers[${i}].enable_all_tools is required`)
          if (typeof server.deferred !== 'boolean') return invalid(`mcp_servers[${i}].deferred is required`)
        }
      }
      if (body.sandbox !== undefined && !(isObject(body.sandbox) && typeof body.sandbox.enabled === 'boolean'))
        return invalid('sandbox must be {enabled: boolean}')
    }
    if (body.variables !== undefined && !isObject(body.variables)) return invalid('variables must be an object')
    const read = readInput(body.input, 'A')
    if (typeof read === 'string') return invalid(read)
    let previous: TfyResponse | undefined
    if (body.previous_response_id !== undefined && body.previous_response_id !== null) {
      if (typeof body.previous_response_id !== 'string') return invalid('previous_response_id must be a string')
      previous = responses.get(body.previous_response_id)
      if (!previous) return notFound(`Response ${body.previous_response_id} not found`)
      if (!previous.run.finished)
        return error(412, `Response ${previous.id} is still running`, 'precondition_failed', 'response_running')
    }
    let input: Input
    if ('answers' in read) {
      if (!previous) return invalid('Tool approvals and client-side responses need previous_response_id')
      const answers = matchAnswers(read.answers, previous.pending, 'execution_id', {
        approval: 'tool.approval',
        client: 'tool.client_side_response',
      })
      if (typeof answers === 'string') return invalid(answers)
      input = { kind: 'answers', answers }
    } else input = messageInput(read.messages)
    const conversation = previous?.conversation ?? { rootExec: randomUUID() }
    const earlier = previous?.texts ?? []
    const run = newRun('A', input.kind === 'message' ? input.text : '')
    const response: TfyResponse = {
      id: `${tenant}.${randomUUID()}`,
      agent,
      ...(previous ? { previousResponseId: previous.id } : {}),
      texts: input.kind === 'message' ? [...earlier, input.text] : earlier,
      run,
      pending: [],
      conversation,
    }
    responses.set(response.id, response)
    const root: TfyThread = { exec: conversation.rootExec, id: 'main' }
    const out = outA(run, response)
    void drive(
      run,
      out,
      () => play(out, root, conversation, input, earlier),
      () => {
        response.pending = run.status === 'paused' ? run.pending : []
      },
    )
    return { status: 200, run, after: 0, framing: 'A', dropAfter: run.dropAfter }
  }

  function cancelResponse(body: unknown): Reply {
    if (!isObject(body) || typeof body.response_id !== 'string') return invalid('response_id is required')
    const response = responses.get(body.response_id)
    if (!response) return notFound(`Response ${body.response_id} not found`)
    if (!cancel(response.run, 'client-cancelled'))
      return error(412, `Response ${response.id} is not running`, 'precondition_failed', 'response_not_running')
    return { status: 200, json: {} }
  }

  // ── Surface B requests ────────────────────────────────────────────────────────────────────────────────────────

  const sessionJson = (s: TfySession) => ({
    type: 'session',
    id: s.id,
    agent_name: s.agent_name,
    ...(s.title ? { title: s.title } : {}),
    created_by_subject: s.created_by_subject,
    created_at: s.created_at,
    updated_at: s.updated_at,
  })

  const turnJson = (t: TfyTurn) => ({
    id: t.id,
    session_id: t.sessionId,
    previous_turn_id: t.previousTurnId,
    input: t.input,
    state: t.state,
    created_by_subject: SUBJECT,
    created_at: t.created_at,
  })

  /** A positive integer query parameter up to `max`, or its default; a string when it is not one. */
  function limitOf(query: URLSearchParams, fallback: number, max: number): number | string {
    const raw = query.get('limit')
    if (raw === null) return fallback
    const n = Number(raw)
    return Number.isInteger(n) && n >= 1 && n <= max ? n : `limit must be an integer from 1 to ${max}`
  }

  /** Offset pages: the token is the base64url of the offset. */
  function page<T>(items: T[], limit: number, token: string | null): { data: T[]; pagination: Json } | string {
    const start = token === null ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8'))
    if (!Number.isInteger(start) || start < 0) return 'page_token is invalid'
    const tokenOf = (n: number) => Buffer.from(String(n)).toString('base64url')
    return {
      data: items.slice(start, start + limit),
      pagination: {
        ...(start + limit < items.length ? { next_page_token: tokenOf(start + limit) } : {}),
        ...(start > 0 ? { previous_page_token: tokenOf(Math.max(0, start - limit)) } : {}),
        limit,
      },
    }
  }

  function createSession(body: unknown, headers: IncomingHttpHeaders): Reply {
    if (!isObject(body)) return invalid('Body must be a JSON object')
    if (typeof body.agent_name !== 'string' || !body.agent_name) return invalid('agent_name is required')
    if (options.agents && !options.agents.includes(body.agent_name))
      return notFound(`Agent ${body.agent_name} not found`)
    const now = iso()
    const metadata = headers['x-tfy-metadata']
    const session: TfySession = {
      id: `${ulid()}.g`,
      agent_name: body.agent_name,
      created_by_subject: SUBJECT,
      created_at: now,
      updated_at: now,
      ...(typeof metadata === 'string' ? { metadata } : {}),
      conversation: { rootExec: 'main' },
    }
    sessions.set(session.id, session)
    return { status: 200, json: { data: sessionJson(session) } }
  }

  function listSessions(query: URLSearchParams): Reply {
    const agent = query.get('agent_name')
    if (!agent) return invalid('agent_name is required')
    const limit = limitOf(query, 10, 100)
    if (typeof limit === 'string') return invalid(limit)
    const order = query.get('order') ?? 'desc'
    if (order !== 'asc' && order !== 'desc') return invalid('order must be asc or desc')
    const end = query.get('end_timestamp') ? Date.parse(String(query.get('end_timestamp'))) : Date.now()
    const start = query.get('start_timestamp') ? Date.parse(String(query.get('start_timestamp'))) : end - 30 * 60 * 1000
    if (Number.isNaN(start) || Number.isNaN(end)) return invalid('start_timestamp and end_timestamp must be ISO times')
    const found = [...sessions.values()].filter((s) => {
      const at = Date.parse(s.created_at)
      return s.agent_name === agent && at >= start && at <= end
    })
    if (order === 'desc') found.reverse()
    const result = page(found.map(sessionJson), limit, query.get('page_token'))
    return typeof result === 'string' ? invalid(result) : { status: 200, json: result }
  }

  const runningTurn = (session: TfySession) =>
    [...turns.values()].find((t) => t.sessionId === session.id && !t.run.finished)

  /** The turns from `id` back to the first, newest first. */
  function chain(id: string | null | undefined): TfyTurn[] {
    const out: TfyTurn[] = []
    for (let t = id ? turns.get(id) : undefined; t; t = t.previousTurnId ? turns.get(t.previousTurnId) : undefined)
      out.push(t)
    return out
  }

  function createTurn(session: TfySession, body: unknown): Reply {
    if (!isObject(body)) return invalid('Body must be a JSON object')
    const read = readInput(body.input, 'B')
    if (typeof read === 'string') return invalid(read)
    const previousId = body.previous_turn_id
    let previous: TfyTurn | undefined
    if (previousId === undefined || previousId === 'auto') previous = chain(session.lastTurnId)[0]
    else if (typeof previousId === 'string') {
      previous = turns.get(previousId)
      if (!previous || previous.sessionId !== session.id)
        return notFound(`Turn ${previousId} not found in session ${session.id}`)
    } else if (previousId !== null) return invalid('previous_turn_id must be "auto", a turn id or null')
    const running = runningTurn(session)
    if (running && options.busyTurn === 'conflict')
      return error(409, `Session ${session.id} already runs turn ${running.id}`, 'conflict', 'turn_running')
    let input: Input
    if ('answers' in read) {
      if (!previous) return invalid('Tool approvals and tool responses need a previous turn')
      const answers = matchAnswers(read.answers, previous.run.finished ? previous.pending : [], 'thread_id', {
        approval: 'user.tool_approval',
        client: 'user.tool_response',
      })
      if (typeof answers === 'string') return invalid(answers)
      input = { kind: 'answers', answers }
    } else input = messageInput(read.messages)
    if (running) cancel(running.run, 'cancelled-for-next-turn')
    const earlier = previous?.texts ?? []
    const run = newRun('B', input.kind === 'message' ? input.text : '')
    const turn: TfyTurn = {
      id: `${session.id}.${ulid().slice(-6)}`,
      sessionId: session.id,
      previousTurnId: previous?.id ?? null,
      input: body.input as Json[],
      texts: input.kind === 'message' ? [...earlier, input.text] : earlier,
      state: { status: 'running' },
      created_at: iso(),
      run,
      pending: [],
      persisted: [],
    }
    turns.set(turn.id, turn)
    session.lastTurnId = turn.id
    session.updated_at = turn.created_at
    if (!session.title && input.kind === 'message') session.title = input.text.slice(0, 60)
    const root: TfyThread = { exec: 'main', id: 'main' }
    const out = outB(run, turn)
    void drive(
      run,
      out,
      () => play(out, root, session.conversation, input, earlier),
      () => {
        turn.pending = run.status === 'paused' ? run.pending : []
        session.updated_at = iso()
      },
    )
    return { status: 200, run, after: 0, framing: 'B', dropAfter: run.dropAfter }
  }

  function subscribe(session: TfySession, turnId: string, body: unknown, headers: IncomingHttpHeaders): Reply {
    if (body !== undefined && !isObject(body)) return invalid('Body must be a JSON object')
    let after = 0
    const cursor = isObject(body) ? body.after_sequence_number : undefined
    if (cursor !== undefined && cursor !== null) {
      if (typeof cursor !== 'number' || !Number.isInteger(cursor) || cursor < 0)
        return invalid('after_sequence_number must be an integer ≥ 0')
      after = cursor
    } else if (headers['last-event-id'] !== undefined) {
      const n = Number(headers['last-event-id'])
      if (!Number.isInteger(n) || n < 0) return invalid('Last-Event-Id must be an integer ≥ 0')
      after = n
    }
    const turn = turns.get(turnId)
    if (!turn || turn.sessionId !== session.id)
      return error(412, `No resumable stream for turn ${turnId}`, 'precondition_failed', 'stream_not_found')
    const { finishedAt } = turn.run
    if (finishedAt !== undefined && Date.now() - finishedAt > resumeTtlMs)
      return error(412, `The stream of turn ${turnId} has expired`, 'precondition_failed', 'stream_expired')
    return { status: 200, run: turn.run as Run, after, framing: 'B' }
  }

  function turnEvents(turn: TfyTurn, query: URLSearchParams): Reply {
    if (!turn.run.finished)
      return error(409, `Turn ${turn.id} is still running; subscribe to it`, 'conflict', 'turn_running')
    const limit = limitOf(query, 25, 25)
    if (typeof limit === 'string') return invalid(limit)
    const order = query.get('order') ?? 'asc'
    if (order !== 'asc' && order !== 'desc') return invalid('order must be asc or desc')
    const events = turn.persisted.map((p) => p.get())
    if (order === 'desc') events.reverse()
    const result = page(events, limit, query.get('page_token'))
    return typeof result === 'string' ? invalid(result) : { status: 200, json: result }
  }

  function sessionEvents(session: TfySession, query: URLSearchParams): Reply {
    const limit = limitOf(query, 100, 100)
    if (typeof limit === 'string') return invalid(limit)
    const anchor = query.get('last_turn_id') ?? session.lastTurnId
    if (anchor && turns.get(anchor)?.sessionId !== session.id) return notFound(`Turn ${anchor} not found`)
    const items: { turn_id: string; seq: number; event: Json }[] = []
    for (const turn of chain(anchor)) {
      if (!turn.run.finished) continue
      const lifecycle = turn.run.log.filter((e) => e.event.type === 'turn.created' || e.event.type === 'turn.done')
      const all = [
        ...lifecycle.map((e) => ({ seq: e.seq, event: e.event })),
        ...turn.persisted.map((p) => ({ seq: p.seq, event: p.get() })),
      ].sort((x, y) => y.seq - x.seq)
      for (const e of all) items.push({ turn_id: turn.id, ...e })
    }
    let start = 0
    const token = query.get('page_token')
    if (token !== null) {
      let at: Json = {}
      try {
        at = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'))
      } catch {}
      start = items.findIndex((i) => i.turn_id === at.turn_id && i.seq === at.sequence_number)
      if (start < 0) return invalid('page_token is invalid')
    }
    const slice = items.slice(start, start + limit)
    const next = items[start + limit]
    const tokenOf = (i: { turn_id: string; seq: number }) =>
      Buffer.from(JSON.stringify({ turn_id: i.turn_id, sequence_number: i.seq })).toString('base64url')
    return {
      status: 200,
      json: {
        data: slice.map((i) => ({ turn_id: i.turn_id, event: i.event })),
        pagination: { ...(next ? { next_page_token: tokenOf(next) } : {}), limit },
      },
    }
  }

  function sessionsRoute(method: string, rest: string[], query: URLSearchParams, body: unknown, req: IncomingMessage) {
    const wrong = () => error(405, `Method ${method} not allowed`, 'invalid_request_error')
    if (rest.length === 0) {
      if (method === 'POST') return createSession(body, req.headers)
      if (method === 'GET') return listSessions(query)
      return wrong()
    }
    const session = sessions.get(rest[0] as string)
    if (!session) return notFound(`Session ${rest[0]} not found`)
    const [, sub, turnId, leaf] = rest
    if (sub === undefined) return method === 'GET' ? { status: 200, json: { data: sessionJson(session) } } : wrong()
    if (sub === 'cancel' && rest.length === 2) {
      if (method !== 'POST') return wrong()
      const running = runningTurn(session)
      if (!running || !cancel(running.run, 'client-cancelled'))
        return error(412, `Session ${session.id} has no running turn`, 'precondition_failed', 'no_running_turn')
      return { status: 200, json: {} }
    }
    if (sub === 'events' && rest.length === 2) return method === 'GET' ? sessionEvents(session, query) : wrong()
    if (sub !== 'turns') return notFound('Not found')
    if (turnId === undefined) {
      if (method === 'POST') return createTurn(session, body)
      if (method !== 'GET') return wrong()
      const limit = limitOf(query, 10, 25)
      if (typeof limit === 'string') return invalid(limit)
      const result = page(chain(session.lastTurnId).map(turnJson), limit, query.get('page_token'))
      return typeof result === 'string' ? invalid(result) : { status: 200, json: result }
    }
    if (leaf === 'subscribe' && rest.length === 4)
      return method === 'POST' ? subscribe(session, turnId, body, req.headers) : wrong()
    const turn = turns.get(turnId)
    if (!turn || turn.sessionId !== session.id) return notFound(`Turn ${turnId} not found`)
    if (leaf === undefined) return method === 'GET' ? { status: 200, json: { data: turnJson(turn) } } : wrong()
    if (leaf === 'events' && rest.length === 4) return method === 'GET' ? turnEvents(turn, query) : wrong()
    return notFound('Not found')
  }

  function route(method: string, path: string, query: URLSearchParams, body: unknown, req: IncomingMessage): Reply {
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent)
    const rest = parts.slice(1)
    const is = (...p: string[]) => rest.length === p.length && p.every((x, i) => rest[i] === x)
    if (is('agent', 'responses'))
      return method === 'POST' ? createResponse(body) : error(405, 'Use POST', 'invalid_request_error')
    if (is('agent', 'responses', 'cancel'))
      return method === 'POST' ? cancelResponse(body) : error(405, 'Use POST', 'invalid_request_error')
    if (rest[0] === 'v1' && rest[1] === 'agents' && rest[2] === 'sessions')
      return sessionsRoute(method, rest.slice(3), query, body, req)
    return notFound(`No route for ${method} ${path}`)
  }

  // ── HTTP ──────────────────────────────────────────────────────────────────────────────────────────────────────

  /** Writes a run's log after `after` and follows it to its end; destroys the socket after `dropAfter` events. */
  async function follow(res: ServerResponse, run: Run, after: number, framing: 'A' | 'B', dropAfter?: number) {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' })
    res.flushHeaders()
    sockets.add(res)
    let gone = false
    let stop: (() => void) | undefined
    res.on('close', () => {
      gone = true
      sockets.delete(res)
      stop?.()
    })
    let i = 0
    let written = 0
    for (;;) {
      while (i < run.log.length) {
        if (gone) return
        const { seq, event } = run.log[i++] as TfyLogEntry
        if (seq <= after) continue
        const frame =
          framing === 'A' ? `data: ${JSON.stringify(event)}\n\n` : `id: ${seq}\ndata: ${JSON.stringify(event)}\n\n`
        if (dropAfter !== undefined && ++written >= dropAfter) {
          // The last frame reaches the client before the socket goes.
          await new Promise<void>((resolve) => res.write(frame, () => resolve()))
          res.destroy()
          return
        }
        res.write(frame)
      }
      if (gone) return
      if (run.finished) {
        res.end()
        return
      }
      await new Promise<void>((resolve) => {
        stop = resolve
        run.waiters.add(resolve)
      })
      run.waiters.delete(stop as () => void)
      stop = undefined
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
    const seen: TfyRequest = { method, path: url.pathname, query: url.search, headers: req.headers, body, status: 0 }
    requests.push(seen)
    let reply: Reply
    const segments = url.pathname.split('/').filter(Boolean)
    if (segments[0] === 'oauth' && segments[1] === 'authorize' && method === 'GET') {
      const server = url.searchParams.get('mcp_server_id') ?? ''
      authorized.add(server)
      reply = { status: 200, html: `<!doctype html><p>Authorised ${server}. You can close this window.</p>` }
    } else if (segments[0] !== tenant) reply = notFound(`Tenant ${segments[0] ?? ''} not found`)
    else {
      const auth = req.headers.authorization
      if (!auth) reply = error(401, 'Missing Authorization header', 'authentication_error')
      else if (auth !== `Bearer ${apiKey}`) reply = error(401, 'Invalid API key', 'authentication_error')
      else if (malformed) reply = invalid('Malformed JSON body')
      else reply = route(method, url.pathname, url.searchParams, body, req)
    }
    seen.status = reply.status
    if ('run' in reply) return follow(res, reply.run, reply.after, reply.framing, reply.dropAfter)
    if ('html' in reply) {
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end(reply.html)
      return
    }
    res.writeHead(reply.status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(reply.json))
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ error: { message: String(err), type: 'internal_error' } }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  origin = `http://127.0.0.1:${port}`
  return {
    url: `${origin}/${tenant}`,
    origin,
    apiKey,
    tenant,
    requests,
    responses,
    sessions,
    turns,
    authorized,
    dropStreams() {
      const open = [...sockets]
      for (const res of open) res.destroy()
      return open.length
    },
    async idle() {
      while (runs.size) {
        const [run] = runs
        await new Promise<void>((resolve) => (run as Run).waiters.add(resolve))
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        closed = true
        for (const run of runs) run.interrupt?.()
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
