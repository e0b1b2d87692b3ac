// What the fuzz suite sends: path segments (ids that exist, and every odd spelling), bodies (valid requests of each
// face with one field mutated, random JSON, broken JSON, deep nesting, big strings, stray bytes), content types,
// headers and queries. Ids that exist are read from `Pools` when a case is generated, so they are the live ones.
import fc from 'fast-check'
import type { BodySpec, Req } from './oracle.js'

/** Ids that exist in a bridge (created before the properties run, some deleted by them). */
export interface Pools {
  responses: string[]
  runs: string[]
  threads: string[]
  /** [threadId, runId] of runs on a thread. */
  threadRuns: [string, string][]
  tasks: string[]
  contexts: string[]
  /** [taskId, configId] of push notification configs. */
  configs: [string, string][]
  /** Orq task ids (the Orq face's own; A2A's are in `tasks`). */
  orqTasks: string[]
  /** [taskId, toolCallId] of Orq tasks paused on a tool call. */
  orqCalls: [string, string][]
  /** TrueFoundry session ids (Surface B). */
  tfySessions: string[]
  /** [sessionId, turnId] of TrueFoundry turns. */
  tfyTurns: [string, string][]
  /** Calls the last turn of a TrueFoundry session paused on. */
  tfyCalls: TfyCall[]
  /** TrueFoundry response ids (Surface A, `bridge.<uuid>`). */
  tfyResponses: string[]
  /** Calls a TrueFoundry response paused on. */
  tfyResponseCalls: TfyCall[]
}

/**
 * A call a TrueFoundry pause waits for: [sessionId or responseId, threadId or executionId, toolCallId, what it waits
 * for (`approval`, or `response` for a client-side tool or a question)].
 */
export type TfyCall = [string, string, string, 'approval' | 'response']

export const emptyPools = (): Pools => ({
  responses: [],
  runs: [],
  threads: [],
  threadRuns: [],
  tasks: [],
  contexts: [],
  configs: [],
  orqTasks: [],
  orqCalls: [],
  tfySessions: [],
  tfyTurns: [],
  tfyCalls: [],
  tfyResponses: [],
  tfyResponseCalls: [],
})

export const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const

/** One of a pool's current members (read at generation time), or `fallback` when it is empty. */
const pick = <T>(list: () => readonly T[], fallback: T): fc.Arbitrary<T> =>
  fc.nat().map((i) => {
    const l = list()
    return l.length ? (l[i % l.length] as T) : fallback
  })

// ── Path segments ───────────────────────────────────────────────────────────────────────────────────────────

const BAD_PERCENT = [
  '%E0%A4%A',
  '%',
  '%%',
  '%zz',
  '%C0%AF',
  '%FF',
  '%00',
  '%2e%2e',
  '%2E',
  '%2F',
  '%25',
  '%E2%82',
  '%u0041',
  '%E0%A4%A%',
  'a%2Fb',
  '%5C',
  '%3F',
  '%23',
  '%0A',
  '%20',
  '%ED%A0%80',
]
const ODD_SEGMENTS = [
  '..',
  '.',
  '.well-known',
  '...',
  'search',
  'stream',
  'wait',
  'runs',
  'cancel',
  'copy',
  'history',
  'descriptor',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'tasks',
  'message:send',
  'task',
  'stream-task',
  'run',
  'stream-run',
  'v2',
  'agents',
  'null',
  'undefined',
  '0',
  '-1',
  '',
  ' ',
  'demo',
  'DEMO',
  'models',
  'responses',
  ';',
  ':',
  '@',
  '~',
  '*',
  "'",
  '"',
  '<script>',
  '\\',
  '//',
  '.well-known/agent-card.json',
]

/** A segment no route expects: odd words, unicode, percent-encoded and badly percent-encoded text, very long ones. */
export const weirdSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...ODD_SEGMENTS) },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_PERCENT) },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }).map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.constantFrom(...BAD_PERCENT))
      .map(([a, b]) => `${encodeURIComponent(a)}${b}`),
  },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => 'a'.repeat(n)) },
)

/** An id that exists, a variant of one, or a weird segment. */
const idSegment = (existing: fc.Arbitrary<string>): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: existing },
    { weight: 3, arbitrary: weirdSegment },
    {
      weight: 1,
      arbitrary: fc
        .tuple(existing, fc.constantFrom('%', '/', '/..', '%2F', '.', 'x', '%00'))
        .map(([id, suffix]) => `${id}${suffix}`),
    },
    { weight: 1, arbitrary: existing.map((id) => id.toUpperCase()) },
  )

// ── Prompts, fills and valid bodies ──────────────────────────────────────────────────────────────────────────

/** The demo agent's scenarios (see src/demo/script.ts), and anything else. */
export const prompt: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'hello',
      'please fail',
      'What is the weather in Paris?',
      'deploy to production',
      'write a report',
      'research cats',
      'think about it',
      'plan a trip',
      'count to 5',
      'my name is Ada',
      'what is my name?',
      '',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
)

/** What a valid body or a path needs filled in: existing ids mostly. */
export interface Fills {
  response: string
  run: string
  thread: string
  pair: [string, string]
  task: string
  context: string
  config: [string, string]
  orqTask: string
  orqCall: [string, string]
  tfySession: string
  tfyTurn: [string, string]
  tfyCall: TfyCall
  tfyResponse: string
  tfyResponseCall: TfyCall
  text: string
  messageId: string
}

export const fills = (pools: Pools): fc.Arbitrary<Fills> => {
  const maybe = (existing: fc.Arbitrary<string>) =>
    fc.oneof({ weight: 5, arbitrary: existing }, { weight: 1, arbitrary: weirdSegment })
  return fc.record({
    response: maybe(pick(() => pools.responses, 'resp_none')),
    run: maybe(pick(() => pools.runs, 'run_none')),
    thread: maybe(pick(() => pools.threads, 'thread_none')),
    pair: pick(() => pools.threadRuns, ['thread_none', 'run_none'] as [string, string]),
    task: maybe(pick(() => pools.tasks, 'task_none')),
    context: maybe(pick(() => pools.contexts, 'ctx_none')),
    config: pick(() => pools.configs, ['task_none', 'config_none'] as [string, string]),
    orqTask: maybe(pick(() => pools.orqTasks, 'task_none')),
    orqCall: pick(() => pools.orqCalls, ['task_none', 'call_none'] as [string, string]),
    tfySession: maybe(pick(() => pools.tfySessions, 'session_none')),
    tfyTurn: pick(() => pools.tfyTurns, ['session_none', 'turn_none'] as [string, string]),
    tfyCall: pick(() => pools.tfyCalls, ['session_none', 'main', 'call_none', 'approval'] as TfyCall),
    tfyResponse: maybe(pick(() => pools.tfyResponses, 'bridge.none')),
    tfyResponseCall: pick(() => pools.tfyResponseCalls, [
      'bridge.none',
      'exec_none',
      'call_none',
      'response',
    ] as TfyCall),
    text: prompt,
    messageId: fc.oneof(fc.uuid(), fc.string({ maxLength: 8 })),
  })
}

type Build = (f: Fills) => unknown

const WEATHER_TOOL = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
}
const HOOK = 'https://example.com/hook'

/** POST /v1/responses bodies (src/dialects/responses/wire.ts CreateResponse). */
export const RESPONSES_CREATE: Build[] = [
  (f) => ({ model: 'demo', input: f.text }),
  (f) => ({ model: 'demo', input: [{ role: 'user', content: f.text }], stream: true }),
  (f) => ({
    input: [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: f.text }] }],
    background: true,
    store: true,
  }),
  (f) => ({ model: 'demo', input: f.text, tools: [WEATHER_TOOL], tool_choice: 'auto', parallel_tool_calls: true }),
  (f) => ({
    previous_response_id: f.response,
    input: [{ type: 'function_call_output', call_id: 'call_1', output: '{"temperature_c":18}' }],
    tools: [WEATHER_TOOL],
  }),
  (f) => ({
    previous_response_id: f.response,
    input: f.text,
    instructions: 'Be brief.',
    metadata: { k: 'v' },
    temperature: 0.5,
    top_p: 1,
    max_output_tokens: 64,
    user: 'u',
    stream: true,
    stream_options: { include_obfuscation: false },
  }),
  (f) => ({
    input: [
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true },
      { type: 'item_reference', id: f.response },
      { type: 'reasoning', id: 'rs_1', summary: [{ type: 'summary_text', text: 'hm' }] },
      { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{}' },
    ],
    tool_choice: { type: 'function', name: 'get_weather' },
    tools: [WEATHER_TOOL],
  }),
]

const acpInput = (text: string) => ({ messages: [{ role: 'user', content: text }] })

/** ACP run creation bodies, stateless and on a thread (src/dialects/acp/wire.ts RunCreate*). */
export const ACP_RUN_CREATE: Build[] = [
  (f) => ({ agent_id: 'demo', input: acpInput(f.text) }),
  (f) => ({
    agent_id: 'demo',
    input: { messages: [{ role: 'user', content: [{ type: 'text', text: f.text }] }] },
    stream_mode: ['values', 'custom'],
    metadata: { k: 'v' },
    config: { tags: ['a'], recursion_limit: 5, configurable: {} },
    on_completion: 'keep',
    on_disconnect: 'continue',
    multitask_strategy: 'enqueue',
  }),
  (f) => ({ input: acpInput(f.text), stream_mode: 'custom', if_not_exists: 'create', stream_subgraphs: false }),
  (f) => ({ agent_id: 'demo', input: acpInput(f.text), webhook: HOOK, after_seconds: 0 }),
]
export const ACP_RESUME: Build[] = [() => ({ approved: true }), (f) => ({ answer: f.text }), () => ({ city: 'Rome' })]
export const ACP_THREAD_CREATE: Build[] = [
  () => ({}),
  (f) => ({ thread_id: f.thread, metadata: { k: 'v' }, if_exists: 'do_nothing' }),
  () => ({ if_exists: 'raise', metadata: {} }),
]
export const ACP_THREAD_PATCH: Build[] = [
  () => ({ metadata: { k: 'v' } }),
  (f) => ({ values: { a: 1 }, messages: [{ role: 'user', content: f.text }] }),
  () => ({ checkpoint: { checkpoint_id: 'c' } }),
]
export const ACP_RUN_SEARCH: Build[] = [
  () => ({ agent_id: 'demo', status: 'success', metadata: {}, limit: 5, offset: 0 }),
]
export const ACP_THREAD_SEARCH: Build[] = [() => ({ status: 'idle', metadata: {}, limit: 3, offset: 1 })]
export const ACP_AGENT_SEARCH: Build[] = [() => ({ name: 'demo', version: '1.0.0', limit: 1, offset: 0 })]

const v1Message = (f: Fills, extra: Record<string, unknown> = {}) => ({
  messageId: f.messageId,
  role: 'ROLE_USER',
  parts: [{ text: f.text }],
  ...extra,
})
const v03Message = (f: Fills, extra: Record<string, unknown> = {}) => ({
  kind: 'message',
  messageId: f.messageId,
  role: 'user',
  parts: [{ kind: 'text', text: f.text }],
  ...extra,
})

/** A2A v1 SendMessage params (src/dialects/a2a/wire.ts SendMessageRequest). */
export const A2A_SEND: Build[] = [
  (f) => ({ message: v1Message(f) }),
  (f) => ({
    message: v1Message(f, {
      contextId: f.context,
      taskId: f.task,
      metadata: { k: 'v' },
      extensions: ['urn:x'],
      referenceTaskIds: [f.task],
    }),
    configuration: { acceptedOutputModes: ['text/plain'], historyLength: 2, returnImmediately: true },
    metadata: {},
  }),
  (f) => ({
    message: {
      messageId: f.messageId,
      role: 'ROLE_USER',
      parts: [
        { data: { a: 1 }, mediaType: 'application/json' },
        { url: 'https://example.com/a.png', filename: 'a.png' },
        { raw: 'aGk=', mediaType: 'text/plain' },
        { text: f.text, metadata: {} },
      ],
    },
  }),
  (f) => ({
    message: v1Message(f),
    configuration: {
      taskPushNotificationConfig: { url: HOOK, token: 't', authentication: { scheme: 'Bearer', credentials: 'c' } },
    },
  }),
]
const A2A_V03_SEND: Build[] = [
  (f) => ({ message: v03Message(f) }),
  (f) => ({
    message: v03Message(f, { contextId: f.context, taskId: f.task, referenceTaskIds: [f.task] }),
    configuration: { blocking: true, historyLength: 1, acceptedOutputModes: ['text'] },
    metadata: {},
  }),
  (f) => ({
    message: v03Message(f, {
      parts: [
        { kind: 'file', file: { uri: 'https://example.com/a.png', mimeType: 'image/png', name: 'a.png' } },
        { kind: 'file', file: { bytes: 'aGk=' } },
        { kind: 'data', data: { a: 1 } },
      ],
    }),
    configuration: { blocking: false, pushNotificationConfig: { url: HOOK, authentication: { schemes: ['Bearer'] } } },
  }),
]

const orqMessage = (f: Fills, extra: Record<string, unknown> = {}) => ({
  role: 'user',
  parts: [{ kind: 'text', text: f.text }],
  ...extra,
})
/** A turn that pauses on a `get_weather` call (so `orqCalls` has live calls to answer). */
const ORQ_WEATHER = { role: 'user', parts: [{ kind: 'text', text: 'What is the weather in Rome?' }] }
/** The answer to a paused Orq task's tool call. */
const orqToolResult = (callId: string) => ({
  role: 'tool',
  parts: [{ kind: 'tool_result', tool_call_id: callId, result: { temperature_c: 18 }, metadata: {} }],
})
const ORQ_WEATHER_TOOL = {
  type: 'function',
  key: 'get_weather',
  display_name: 'Get weather',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    strict: false,
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
  requires_approval: false,
}
/** The inline agent of `run` and `stream-run`. */
const ORQ_AGENT = {
  key: 'demo',
  model: 'openai/gpt-4o',
  role: 'Assistant',
  instructions: 'Be brief.',
  path: 'Default/agents',
  settings: { tools: [ORQ_WEATHER_TOOL] },
}

/** POST /orq/v2/agents/{key}/task and /stream-task bodies (src/dialects/orq/wire.ts InvokeRequest). */
export const ORQ_INVOKE: Build[] = [
  (f) => ({ message: orqMessage(f) }),
  (f) => ({ message: orqMessage(f, { messageId: f.messageId }), configuration: { blocking: true } }),
  () => ({ message: ORQ_WEATHER, configuration: { blocking: true } }),
  (f) => ({ task_id: f.orqCall[0], message: orqToolResult(f.orqCall[1]), configuration: { blocking: true } }),
  (f) => ({
    task_id: f.orqTask,
    message: orqMessage(f),
    variables: { name: 'Ada' },
    identity: { id: 'u1', display_name: 'Ada', email: 'ada@example.com', metadata: [{}], tags: ['a'] },
    thread: { id: 'thread_1', tags: ['t'] },
    memory: { entity_id: 'e1' },
    metadata: { k: 'v' },
    engine: 'jinja',
    configuration: { blocking: false },
    stream_timeout_seconds: 60,
  }),
  (f) => ({
    message: {
      messageId: f.messageId,
      role: 'user',
      parts: [
        { kind: 'text', text: f.text },
        { kind: 'file', file: { uri: 'https://example.com/a.png', mimeType: 'image/png', name: 'a.png' } },
        { kind: 'file', file: { bytes: 'aGk=', mimeType: 'text/plain' }, metadata: {} },
      ],
    },
    contact: { id: 'u2' },
    configuration: { blocking: true },
  }),
]

/** POST /orq/v2/agents/run and /stream-run bodies: the invoke body and the agent inline (wire.ts RunRequest). */
export const ORQ_RUN: Build[] = [
  (f) => ({ ...ORQ_AGENT, message: orqMessage(f) }),
  (f) => ({
    ...ORQ_AGENT,
    message: orqMessage(f),
    configuration: { blocking: true },
    model: { id: 'openai/gpt-4o', parameters: { temperature: 0.2 }, retry: { count: 2, on_codes: [429, 500] } },
    fallback_models: ['anthropic/claude-sonnet-4-5'],
    settings: {
      tools: [ORQ_WEATHER_TOOL, { type: 'current_date' }, { type: 'mcp', id: 'tool_1', tool_id: 'mcp_1' }],
      tool_approval_required: 'none',
      max_iterations: 5,
      max_execution_time: 60,
      max_cost: 0,
    },
    description: 'A demo',
    system_prompt: 'You are terse.',
    memory_stores: ['mem'],
    knowledge_bases: [{ knowledge_id: 'kb_1' }],
    team_of_agents: [{ key: 'helper', role: 'Researcher' }],
  }),
  () => ({ ...ORQ_AGENT, message: ORQ_WEATHER, configuration: { blocking: true } }),
  (f) => ({
    ...ORQ_AGENT,
    task_id: f.orqCall[0],
    message: orqToolResult(f.orqCall[1]),
    configuration: { blocking: true },
  }),
  (f) => ({ ...ORQ_AGENT, task_id: f.orqTask, message: orqMessage(f), variables: {}, stream_timeout_seconds: 30 }),
]

/** POST /orq/v2/agents/{agent_key}/responses bodies (wire.ts AgentResponseRequest). */
export const ORQ_RESPONSE: Build[] = [
  (f) => ({ message: orqMessage(f), stream: false }),
  (f) => ({ message: orqMessage(f), stream: true }),
  (f) => ({ message: orqMessage(f), background: true }),
  () => ({ message: ORQ_WEATHER }),
  (f) => ({
    task_id: f.orqTask,
    message: orqMessage(f, { messageId: f.messageId }),
    stream: true,
    background: false,
    conversation: { _id: 'conv_1' },
    thread: { id: 'thread_1' },
    memory: { entity_id: 'e1' },
    metadata: { k: 'v' },
  }),
  (f) => ({ task_id: f.orqCall[0], message: orqToolResult(f.orqCall[1]), stream: false }),
  (f) => ({ task_id: f.orqCall[0], message: orqToolResult(f.orqCall[1]), stream: true }),
]

const FILE_DATA = 'data:text/plain;base64,aGk='
const tfyMessage = (text: string) => ({ type: 'user.message', content: text })

/** POST /truefoundry/v1/agents/sessions bodies (src/dialects/truefoundry/sessions-wire.ts CreateSessionRequest). */
export const TFY_SESSION_CREATE: Build[] = [() => ({ agent_name: 'demo' })]

/** POST /truefoundry/v1/agents/sessions/{sessionId}/turns bodies with user messages (CreateTurnRequest). */
export const TFY_TURN: Build[] = [
  (f) => ({ input: [tfyMessage(f.text)] }),
  (f) => ({
    input: [
      {
        type: 'user.message',
        content: [
          { type: 'text', text: f.text },
          { type: 'file', name: 'a.txt', data: FILE_DATA },
        ],
      },
    ],
    previous_turn_id: 'auto',
  }),
  (f) => ({ input: [tfyMessage(f.text)], previous_turn_id: f.tfyTurn[1] }),
  (f) => ({ input: [tfyMessage(f.text)], previous_turn_id: null }),
  () => ({ input: [tfyMessage('What is the weather in Rome?')] }),
  () => ({ input: [tfyMessage('deploy to staging')] }),
  () => ({ input: [tfyMessage('plan a trip')] }),
]

/** The answer a pause waits for: an approval (allow, or deny with a reason) or a tool response. */
const tfyAnswer = ([, thread, callId, waits]: TfyCall, approval: { status: string; reason?: string }) =>
  waits === 'approval'
    ? { type: 'user.tool_approval', thread_id: thread, tool_call_id: callId, approval }
    : { type: 'user.tool_response', thread_id: thread, tool_call_id: callId, content: '{"temperature_c":18}' }

/** The answers to a paused turn (the call's own kind, or the other), or a message instead. */
export const TFY_ANSWER: Build[] = [
  (f) => ({ input: [tfyAnswer(f.tfyCall, { status: 'allow' })] }),
  (f) => ({ input: [tfyAnswer(f.tfyCall, { status: 'deny', reason: 'Not now.' })], previous_turn_id: 'auto' }),
  (f) => ({ input: [tfyAnswer([...f.tfyCall.slice(0, 3), 'response'] as TfyCall, { status: 'allow' })] }),
  (f) => ({ input: [tfyAnswer([...f.tfyCall.slice(0, 3), 'approval'] as TfyCall, { status: 'allow' })] }),
  (f) => ({ input: [tfyMessage(f.text)] }),
]

/** POST …/turns/{turnId}/subscribe bodies (SubscribeTurnRequest). */
export const TFY_SUBSCRIBE: Build[] = [
  () => ({}),
  () => ({ after_sequence_number: 0 }),
  () => ({ after_sequence_number: 3 }),
  () => ({ after_sequence_number: 10_000 }),
]

const tfyUser = (text: string) => ({ role: 'user', content: text })
/** Surface A's answer a pause waits for. */
const tfyResume = ([, execution, callId, waits]: TfyCall, approval: { status: string; reason?: string }) =>
  waits === 'approval'
    ? { type: 'tool.approval', execution_id: execution, tool_call_id: callId, approval }
    : {
        type: 'tool.client_side_response',
        execution_id: execution,
        tool_call_id: callId,
        content: '{"temperature_c":18}',
      }

/** POST /truefoundry/agent/responses bodies, saved and inline agents (responses-wire.ts AgentResponsesRequest). */
export const TFY_RESPONSES: Build[] = [
  (f) => ({ agent_name: 'demo', input: [tfyUser(f.text)] }),
  (f) => ({
    model: 'demo',
    instruction: 'Be brief.',
    input: [tfyUser(f.text)],
    messages: [{ role: 'user', content: 'my name is Ada' }],
    mcp_servers: [
      {
        name: 'github',
        headers: { a: 'b' },
        enable_all_tools: false,
        tools: [{ name: 'x', eager: true }],
        deferred: false,
      },
    ],
    model_params: {
      max_tokens: 64,
      temperature: 0.2,
      top_p: 1,
      top_k: 5,
      parallel_tool_calls: true,
      reasoning_effort: 'low',
    },
    response_format: { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' }, strict: true } },
    iteration_limit: 5,
    skills: [{ fqn: 'skill:1', preload_skill_md: false }],
    sandbox: { enabled: true },
    sub_agents: [{ name: 'helper' }],
    variables: { k: 'v' },
  }),
  (f) => ({
    agent_name: 'demo',
    previous_response_id: f.tfyResponse,
    input: [
      {
        role: 'user',
        content: [
          { type: 'text', text: f.text },
          { type: 'file_upload', file: { filename: 'a.txt', file_data: FILE_DATA } },
        ],
      },
    ],
    variables: {},
    skills: [{ fqn: 'skill:1', preload_skill_md: true }],
  }),
  (f) => ({
    agent_name: 'demo',
    previous_response_id: f.tfyResponseCall[0],
    input: [tfyResume(f.tfyResponseCall, { status: 'allow' })],
  }),
  (f) => ({
    model: 'demo',
    previous_response_id: f.tfyResponseCall[0],
    input: [tfyResume(f.tfyResponseCall, { status: 'deny', reason: 'Not now.' })],
  }),
  (f) => ({
    agent_name: 'demo',
    previous_response_id: f.tfyResponseCall[0],
    input: [tfyResume([...f.tfyResponseCall.slice(0, 3), 'response'] as TfyCall, { status: 'allow' })],
  }),
  () => ({ agent_name: 'demo', input: [tfyUser('What is the weather in Rome?')] }),
  () => ({ agent_name: 'demo', input: [tfyUser('deploy to staging')], sandbox: { enabled: true } }),
]
export const TFY_CANCEL: Build[] = [(f) => ({ response_id: f.tfyResponse })]

/** JSON-RPC method → params builders: the v1 and v0.3 methods of src/dialects/a2a/operations.ts. */
export const RPC_CALLS: Record<string, Build[]> = {
  SendMessage: A2A_SEND,
  SendStreamingMessage: A2A_SEND,
  GetTask: [(f) => ({ id: f.task, historyLength: 1 }), (f) => ({ id: f.task })],
  ListTasks: [
    () => ({}),
    (f) => ({
      contextId: f.context,
      status: 'TASK_STATE_COMPLETED',
      pageSize: 2,
      historyLength: 0,
      includeArtifacts: true,
      statusTimestampAfter: '2020-01-01T00:00:00Z',
    }),
  ],
  CancelTask: [(f) => ({ id: f.task, metadata: {} })],
  SubscribeToTask: [(f) => ({ id: f.task })],
  CreateTaskPushNotificationConfig: [(f) => ({ taskId: f.task, url: HOOK, token: 't' })],
  GetTaskPushNotificationConfig: [(f) => ({ taskId: f.config[0], id: f.config[1] })],
  ListTaskPushNotificationConfigs: [(f) => ({ taskId: f.config[0], pageSize: 5 })],
  DeleteTaskPushNotificationConfig: [(f) => ({ taskId: f.config[0], id: f.config[1] })],
  GetExtendedAgentCard: [() => ({})],
  'message/send': A2A_V03_SEND,
  'message/stream': A2A_V03_SEND,
  'tasks/get': [(f) => ({ id: f.task, historyLength: 1 })],
  'tasks/cancel': [(f) => ({ id: f.task })],
  'tasks/resubscribe': [(f) => ({ id: f.task })],
  'tasks/pushNotificationConfig/set': [
    (f) => ({ taskId: f.task, pushNotificationConfig: { url: HOOK, token: 't', authentication: { schemes: ['x'] } } }),
  ],
  'tasks/pushNotificationConfig/get': [
    (f) => ({ id: f.config[0], pushNotificationConfigId: f.config[1] }),
    (f) => ({ id: f.task }),
  ],
  'tasks/pushNotificationConfig/list': [(f) => ({ id: f.config[0] })],
  'tasks/pushNotificationConfig/delete': [(f) => ({ id: f.config[0], pushNotificationConfigId: f.config[1] })],
  'agent/getAuthenticatedExtendedCard': [() => ({})],
}
/** Methods that join a task (their stream may stay open while the task waits). */
export const RPC_JOINS = new Set(['SubscribeToTask', 'tasks/resubscribe'])

export const ODD_METHODS = [
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'prototype',
  'message/send ',
  'MESSAGE/SEND',
  'sendMessage',
  'tasks/list',
  'rpc.discover',
  '',
  'SendMessage\u0000',
  'tasks/pushNotificationConfig',
  'agent/getCard',
]

// ── Mutations ────────────────────────────────────────────────────────────────────────────────────────────────

/** A value to put where a valid one was. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      '',
      ' ',
      -1,
      0,
      1.5,
      -0,
      1e308,
      -1e308,
      2 ** 53 + 1,
      2 ** 31,
      null,
      true,
      false,
      [],
      {},
      [null],
      { '': '' },
      'null',
      '0',
      'demo',
      'ROLE_USER',
      'ROLE_AGENT',
      'agent',
      'user',
      'message',
      'text',
      'values',
      'TASK_STATE_WORKING',
      'tool',
      'tool_result',
      'function',
      'jinja',
      'input-required',
      'user.message',
      'user.tool_approval',
      'user.tool_response',
      'tool.approval',
      'tool.client_side_response',
      'main',
      'allow',
      'deny',
      'auto',
      'bridge.none',
      '\u0000',
      '\ud800',
      '💥',
      HOOK,
      'http://127.0.0.1/x',
      'https://[::1]/x',
      'ftp://x',
      'not a url',
      'javascript:alert(1)',
      '2020-13-45T99:99:99Z',
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 100_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
)

const oddKey = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'toString',
    'prototype',
    'hasOwnProperty',
    'valueOf',
    'then',
    'id',
    'type',
    'kind',
    'role',
    'stream',
    'input',
    'message',
    'params',
    'jsonrpc',
    'parts',
    'task_id',
    'configuration',
    'blocking',
    'settings',
    'background',
    'agent_name',
    'previous_turn_id',
    'previous_response_id',
    'thread_id',
    'execution_id',
    'tool_call_id',
    'approval',
    'after_sequence_number',
    'instruction',
  ),
  fc.string({ maxLength: 8 }),
)

export interface Mutation {
  at: number
  op: 'none' | 'set' | 'delete' | 'add' | 'wrap'
  key: string
  value: unknown
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom<Mutation['op']>('none', 'set', 'set', 'set', 'delete', 'add', 'wrap'),
  key: oddKey,
  value: oddValue,
})

type Path = (string | number)[]

function pathsOf(value: unknown, at: Path = [], out: Path[] = []): Path[] {
  out.push(at)
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out))
  else if (typeof value === 'object' && value !== null)
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out)
  return out
}

/** An own property even for `__proto__` (an assignment would set the prototype instead). */
const define = (target: Record<string | number, unknown>, key: string | number, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })

/** `base` (a fresh value) with one place changed: set, deleted, wrapped, or given an odd extra key. */
export function mutate(fresh: unknown, m: Mutation): unknown {
  const base = structuredClone(fresh)
  if (m.op === 'none') return base
  const paths = pathsOf(base)
  const path = paths[m.at % paths.length] ?? []
  const get = (p: Path) => p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], base)
  const old = get(path)
  const next =
    m.op === 'set'
      ? m.value
      : m.op === 'wrap'
        ? m.at % 2
          ? [old]
          : { value: old }
        : m.op === 'add' && typeof old === 'object' && old !== null
          ? define(
              (Array.isArray(old) ? [...old] : { ...old }) as Record<string | number, unknown>,
              Array.isArray(old) ? old.length : m.key,
              m.value,
            )
          : m.op === 'add'
            ? m.value
            : undefined
  if (!path.length) return next
  const parent = get(path.slice(0, -1)) as Record<string | number, unknown>
  const key = path[path.length - 1] as string | number
  if (m.op === 'delete') {
    if (Array.isArray(parent)) parent.splice(key as number, 1)
    else delete parent[key]
  } else define(parent, key, next)
  return base
}

// ── Bodies, content types, headers, queries ──────────────────────────────────────────────────────────────────

const ALL_BUILDS: Build[] = [
  ...RESPONSES_CREATE,
  ...ACP_RUN_CREATE,
  ...ACP_RESUME,
  ...ACP_THREAD_CREATE,
  ...ACP_THREAD_PATCH,
  ...ACP_RUN_SEARCH,
  ...A2A_SEND,
  ...A2A_V03_SEND,
  ...ORQ_INVOKE,
  ...ORQ_RUN,
  ...ORQ_RESPONSE,
  ...TFY_SESSION_CREATE,
  ...TFY_TURN,
  ...TFY_ANSWER,
  ...TFY_SUBSCRIBE,
  ...TFY_RESPONSES,
  ...TFY_CANCEL,
]

const INVALID_JSON = [
  '{',
  '{"a":',
  '[1,]',
  'nul',
  '{"input": "hi",',
  "{'a':1}",
  '\uFEFF{}',
  'NaN',
  '1e999',
  '"\\ud800"',
  '{"a":1}{"b":2}',
  '\u0000',
  '{"a":1,"a":2}',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  '[',
  ']',
  '}',
  '"unterminated',
  '{"a":"\\x41"}',
  'undefined',
  '--',
  '=&',
  'a=1&b=2',
]

/** Nesting 100–5000 deep: bare, inside a field, closed or not. */
const deep: fc.Arbitrary<BodySpec> = fc.record({
  deep: fc.integer({ min: 100, max: 5000 }),
  open: fc.constantFrom('[', '{"a":', '[{"a":'),
  close: fc.constantFrom(']', '}', '}]'),
  closed: fc.boolean(),
  prefix: fc.constantFrom('', 'input', 'params', 'message', 'metadata', 'settings', 'variables'),
})

/** Strings up to ~1 MB (no whitespace: the demo agent says each word with a timer, so a megabyte of words is slow). */
const big: fc.Arbitrary<BodySpec> = fc.record({
  big: fc.oneof(fc.integer({ min: 1000, max: 100_000 }), fc.integer({ min: 100_000, max: 1_100_000 })),
  unit: fc.constantFrom('x', 'é', '😀', '"\\', '<', '\u0000', '%'),
  field: fc.constantFrom(null, 'input', 'params', 'message', 'metadata', 'agent_id', 'model', 'task_id', 'key'),
})

export const bodySpec = (pools: Pools): fc.Arbitrary<BodySpec> =>
  fc.oneof(
    {
      weight: 5,
      arbitrary: fc
        .tuple(fc.constantFrom(...ALL_BUILDS), fills(pools), mutation)
        .map(([build, f, m]) => ({ json: mutate(build(f), m) })),
    },
    { weight: 3, arbitrary: fc.jsonValue().map((json) => ({ json })) },
    { weight: 1, arbitrary: fc.anything().map((x) => ({ text: JSON.stringify(x) ?? '' })) },
    { weight: 2, arbitrary: fc.constantFrom(...INVALID_JSON).map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }).map((text) => ({ text })) },
    { weight: 1, arbitrary: fc.constantFrom('', '  \n\t', '\r\n').map((text) => ({ text })) },
    { weight: 1, arbitrary: deep },
    { weight: 1, arbitrary: big },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.integer({ min: 0, max: 255 }), { maxLength: 16 })
        .map((bytes) => ({ bytes: [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, ...bytes, 0x22, 0x7d] })),
    },
  )

export const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/json') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/a2a+json',
      'application/json; charset=x',
      'application/json; charset=utf-8',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'APPLICATION/JSON',
      'application/vnd.x+json',
      '',
      'application/jsonx',
      ';',
      'application/json;;;',
      '*/*',
      'application/*+json',
    ),
  },
  { weight: 2, arbitrary: fc.constant(null) },
)

const headerValue = fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))

/** Headers the faces read (A2A-Version, Last-Event-ID), a stray one, and rarely too many header bytes. */
export const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      'a2a-version': fc.oneof(fc.constantFrom('1.0', '0.3', '1', '0.3.0', '2.0', '', 'x', ' 1.0 '), headerValue),
      'last-event-id': fc.oneof(
        fc.constantFrom('0', '1', '1.1', '999999999999999999999', '-1', '1.', 'abc', '3.99999999999999999999'),
        headerValue,
      ),
      accept: fc.constantFrom('text/event-stream', 'application/json', '*/*'),
      'x-stray': headerValue,
      'x-huge': fc.integer({ min: 33_000, max: 40_000 }).map((n) => 'h'.repeat(n)),
    },
    { requiredKeys: [] },
  )
  .filter((h) => !('x-huge' in h) || Object.keys(h).length === 1)

const QUERY_KEYS = [
  'stream',
  'starting_after',
  'action',
  'wait',
  'limit',
  'offset',
  'before',
  'historyLength',
  'pageSize',
  'pageToken',
  'contextId',
  'status',
  'includeArtifacts',
  'statusTimestampAfter',
  'A2A-Version',
  'ending_before',
  'type',
  'agent_name',
  'order',
  'page_token',
  'start_timestamp',
  'end_timestamp',
  'last_turn_id',
  '__proto__',
]
const queryValue = fc.oneof(
  fc.constantFrom(
    'true',
    'false',
    '0',
    '-1',
    '1.5',
    'abc',
    '',
    '1e3',
    '9007199254740993',
    'interrupt',
    'rollback',
    'TASK_STATE_COMPLETED',
    '1.0',
    '0.3',
    'Infinity',
    'NaN',
    '200',
    '201',
    'demo',
    'a2a',
    'internal',
    'asc',
    'desc',
    '2020-01-01T00:00:00Z',
  ),
  weirdSegment.filter((s) => s.length < 100),
)

export const query: fc.Arbitrary<string> = fc
  .array(fc.tuple(fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 6 })), queryValue), {
    maxLength: 4,
  })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&')}` : ''))

// ── Requests by route ────────────────────────────────────────────────────────────────────────────────────────

export interface Route {
  method: string
  path: string
}

/** The app's own route table (as test/bridge/route-auth.test.ts reads it): every face's routes and middleware. */
export const routeTable = (app: { routes: readonly { method: string; path: string }[] }): Route[] =>
  [...new Set(app.routes.map((r) => `${r.method} ${r.path}`))].map((r) => {
    const [method = '', path = ''] = r.split(' ')
    return { method, path }
  })

/** The sub-paths the A2A HTTP+JSON binding routes itself (src/dialects/a2a/rest.ts), below /a2a/{agent}/. */
const A2A_REST = [
  'message:send',
  'message:stream',
  'tasks',
  'tasks/{task}',
  'tasks/{task}:cancel',
  'tasks/{task}:subscribe',
  'tasks/{task}/pushNotificationConfigs',
  'tasks/{task}/pushNotificationConfigs/{config}',
  'extendedAgentCard',
  '.well-known/agent-card.json',
  'tasks/{task}:nope',
  'message:',
  '{task}',
]

interface Segments {
  agent: string
  agentId: string
  response: string
  model: string
  run: string
  thread: string
  pair: [string, string] | null
  task: string
  config: string
  orqTask: string
  tfySession: string
  tfyTurn: string
  /** A session and one of its turns, for paths that name both. */
  tfyPair: [string, string] | null
  tail: string
  rest: string
}

const segments = (pools: Pools): fc.Arbitrary<Segments> => {
  const task = idSegment(pick(() => pools.tasks, 'task_none'))
  const config = idSegment(pick(() => pools.configs.map((c) => c[1]), 'config_none'))
  return fc.record({
    agent: fc.oneof({ weight: 6, arbitrary: fc.constant('demo') }, { weight: 2, arbitrary: weirdSegment }),
    agentId: fc.oneof({ weight: 3, arbitrary: fc.constant('demo') }, { weight: 2, arbitrary: weirdSegment }),
    response: idSegment(pick(() => pools.responses, 'resp_none')),
    model: fc.oneof({ weight: 3, arbitrary: fc.constant('demo') }, { weight: 2, arbitrary: weirdSegment }),
    run: idSegment(pick(() => pools.runs, 'run_none')),
    thread: idSegment(pick(() => pools.threads, 'thread_none')),
    pair: fc.option(
      pick(() => pools.threadRuns, ['thread_none', 'run_none'] as [string, string]),
      { freq: 2 },
    ),
    task,
    config,
    orqTask: idSegment(pick(() => pools.orqTasks, 'task_none')),
    tfySession: idSegment(pick(() => pools.tfySessions, 'session_none')),
    tfyTurn: idSegment(pick(() => pools.tfyTurns.map((t) => t[1]), 'turn_none')),
    tfyPair: fc.option(
      pick(() => pools.tfyTurns, ['session_none', 'turn_none'] as [string, string]),
      { freq: 2 },
    ),
    tail: fc.array(weirdSegment, { maxLength: 3 }).map((s) => s.join('/')),
    rest: fc.oneof(
      {
        weight: 5,
        arbitrary: fc
          .tuple(fc.constantFrom(...A2A_REST), task, config)
          .map(([t, id, c]) => t.replace('{task}', () => id).replace('{config}', () => c)),
      },
      { weight: 1, arbitrary: fc.array(weirdSegment, { maxLength: 3 }).map((s) => s.join('/')) },
    ),
  })
}

/** A route pattern with its parameters and wildcard filled in. */
function fill(route: Route, s: Segments): string {
  let out = route.path
  if (s.pair && out.includes(':threadId') && out.includes(':runId')) {
    const [thread, run] = s.pair
    out = out.replace(':threadId', () => thread).replace(':runId', () => run)
  }
  if (s.tfyPair && out.includes(':sessionId') && out.includes(':turnId')) {
    const [session, turn] = s.tfyPair
    out = out.replace(':sessionId', () => session).replace(':turnId', () => turn)
  }
  out = out
    .replace(/:agentId\b/g, () => s.agentId)
    .replace(/:agent\b/g, () => s.agent)
    .replace(/:(?:agent_)?key\b/g, () => s.agent)
    .replace(/:task_id\b/g, () => s.orqTask)
    .replace(/:sessionId\b/g, () => s.tfySession)
    .replace(/:turnId\b/g, () => s.tfyTurn)
    .replace(/:threadId\b/g, () => s.thread)
    .replace(/:runId\b/g, () => s.run)
    .replace(/:model\b/g, () => s.model)
    .replace(/:id\b/g, () => s.response)
  return out.replace('*', () => (route.path.startsWith('/a2a/:agent/') ? s.rest : s.tail))
}

/**
 * A request to one of `routes`, filled in; the route's own method mostly, any method sometimes. `auth` adds the
 * headers that carry (or fail to carry) an API key.
 */
export function routeRequest(
  routes: Route[],
  pools: Pools,
  auth: fc.Arbitrary<Record<string, string>> = fc.constant({}),
): fc.Arbitrary<Req> {
  return fc
    .record({
      route: fc.constantFrom(...routes),
      method: fc.oneof(
        { weight: 3, arbitrary: fc.constant(null) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      segments: segments(pools),
      query,
      type: contentType,
      headers: extraHeaders,
      auth,
      body: fc.option(bodySpec(pools), { freq: 4 }),
    })
    .map(({ route, method, segments: s, query: q, type, headers, auth: a, body }) => {
      const m = method ?? (route.method === 'ALL' ? 'POST' : route.method)
      return {
        method: m,
        path: `${fill(route, s)}${q}`,
        headers: { ...(type === null ? {} : { 'content-type': type }), ...headers, ...a },
        ...(body === null || m === 'GET' ? {} : { body }),
      }
    })
}

// ── A2A JSON-RPC envelopes ───────────────────────────────────────────────────────────────────────────────────

/** Ids of every JSON type, and number spellings JSON.parse turns into something odd. */
const rpcId: fc.Arbitrary<{ value: unknown } | { raw: string } | null> = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(fc.string({ maxLength: 8 }), fc.integer()).map((value) => ({ value })) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 1 }).map((value) => ({ value })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('1e999', '-0', '1.0', '12345678901234567890', '0.1e-400', '-1e999')
      .map((raw) => ({ raw })),
  },
  { weight: 1, arbitrary: fc.constant(null) },
)

/** A POST to an agent's JSON-RPC URL: a v1 or v0.3 call (params valid but for one mutation) or an odd method. */
export function rpcRequest(pools: Pools): fc.Arbitrary<{ req: Req; method: unknown }> {
  const methods = Object.keys(RPC_CALLS)
  return fc
    .record({
      agent: fc.oneof(
        { weight: 8, arbitrary: fc.constant('demo') },
        { weight: 1, arbitrary: weirdSegment.filter((s) => !/[/?#]/.test(s)) },
      ),
      slash: fc.boolean(),
      method: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...methods) },
        { weight: 2, arbitrary: fc.constantFrom<unknown>(...ODD_METHODS) },
        { weight: 1, arbitrary: fc.oneof(fc.string({ maxLength: 10 }), fc.jsonValue({ maxDepth: 1 })) },
      ),
      build: fc.nat(),
      fills: fills(pools),
      params: fc.oneof(
        { weight: 8, arbitrary: mutation.map((m) => ({ mutation: m })) },
        { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((value) => ({ value })) },
        { weight: 1, arbitrary: fc.constant(null) },
      ),
      jsonrpc: fc.oneof(
        { weight: 10, arbitrary: fc.constant<unknown>('2.0') },
        { weight: 1, arbitrary: fc.constantFrom<unknown>('1.0', 2, null, '2', '', undefined) },
      ),
      id: rpcId,
      batch: fc.oneof({ weight: 15, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      extra: fc.option(fc.tuple(oddKey, oddValue), { freq: 6 }),
      version: fc.option(fc.constantFrom('1.0', '0.3', '1', '0.3.0', '2.0', '', 'x'), { freq: 2 }),
      type: fc.oneof(
        { weight: 6, arbitrary: fc.constant<string | null>('application/json') },
        { weight: 2, arbitrary: contentType },
      ),
    })
    .map((g) => {
      const builds =
        typeof g.method === 'string' && Object.hasOwn(RPC_CALLS, g.method) ? RPC_CALLS[g.method] : undefined
      const base = builds?.length ? (builds[g.build % builds.length] as Build)(g.fills) : {}
      const params =
        g.params === null ? undefined : 'value' in g.params ? g.params.value : mutate(base, g.params.mutation)
      const envelope: Record<string, unknown> = {}
      if (g.jsonrpc !== undefined) envelope.jsonrpc = g.jsonrpc
      if (g.id && 'value' in g.id) envelope.id = g.id.value
      envelope.method = g.method
      if (params !== undefined) envelope.params = params
      if (g.extra) define(envelope, g.extra[0], g.extra[1])
      const inner = JSON.stringify(envelope).slice(1, -1)
      let text = g.id && 'raw' in g.id ? `{"id":${g.id.raw}${inner ? `,${inner}` : ''}}` : JSON.stringify(envelope)
      if (g.batch) text = `[${text},${text}]`
      return {
        method: g.method,
        req: {
          method: 'POST',
          path: `/a2a/${g.agent}${g.slash ? '/' : ''}`,
          headers: {
            ...(g.type === null ? {} : { 'content-type': g.type }),
            ...(g.version === null ? {} : { 'a2a-version': g.version }),
          },
          body: { text },
        },
      }
    })
}

// ── Valid requests of each face, one field mutated ───────────────────────────────────────────────────────────

export interface Target {
  method: string
  path: (f: Fills) => string
  body?: Build[]
  headers?: Record<string, string>
}

export const RESPONSES_TARGETS: Target[] = [
  { method: 'POST', path: () => '/v1/responses', body: RESPONSES_CREATE },
  { method: 'GET', path: (f) => `/v1/responses/${f.response}` },
  { method: 'GET', path: (f) => `/v1/responses/${f.response}?stream=true&starting_after=2` },
  { method: 'POST', path: (f) => `/v1/responses/${f.response}/cancel` },
  { method: 'GET', path: () => '/v1/models/demo' },
]

export const ACP_TARGETS: Target[] = [
  ...['/acp/runs', '/acp/runs/wait', '/acp/runs/stream'].map((p) => ({
    method: 'POST',
    path: () => p,
    body: ACP_RUN_CREATE,
  })),
  ...['', '/wait', '/stream'].map((verb) => ({
    method: 'POST',
    path: (f: Fills) => `/acp/threads/${f.thread}/runs${verb}`,
    body: ACP_RUN_CREATE,
  })),
  { method: 'POST', path: (f) => `/acp/runs/${f.run}`, body: ACP_RESUME },
  { method: 'POST', path: (f) => `/acp/threads/${f.pair[0]}/runs/${f.pair[1]}`, body: ACP_RESUME },
  { method: 'POST', path: () => '/acp/threads', body: ACP_THREAD_CREATE },
  { method: 'PATCH', path: (f) => `/acp/threads/${f.thread}`, body: ACP_THREAD_PATCH },
  { method: 'POST', path: () => '/acp/runs/search', body: ACP_RUN_SEARCH },
  { method: 'POST', path: () => '/acp/threads/search', body: ACP_THREAD_SEARCH },
  { method: 'POST', path: () => '/acp/agents/search', body: ACP_AGENT_SEARCH },
  { method: 'POST', path: (f) => `/acp/threads/${f.thread}/copy` },
  { method: 'GET', path: (f) => `/acp/threads/${f.thread}/history?limit=5` },
  { method: 'GET', path: (f) => `/acp/runs/${f.run}/wait` },
  { method: 'GET', path: (f) => `/acp/threads/${f.thread}/runs?limit=2&offset=1` },
  { method: 'GET', path: (f) => `/acp/threads/${f.pair[0]}/history?before=${f.pair[1]}` },
  {
    method: 'GET',
    path: (f) => `/acp/threads/${f.pair[0]}/runs/${f.pair[1]}/stream`,
    headers: { 'last-event-id': '1' },
  },
  { method: 'POST', path: (f) => `/acp/runs/${f.run}/cancel?action=interrupt&wait=false` },
]

export const A2A_REST_TARGETS: Target[] = [
  { method: 'POST', path: () => '/a2a/demo/message:send', body: A2A_SEND },
  { method: 'POST', path: () => '/a2a/demo/message:stream', body: A2A_SEND },
  { method: 'POST', path: (f) => `/a2a/demo/tasks/${f.task}:cancel`, body: [() => ({ metadata: {} }), () => ({})] },
  {
    method: 'POST',
    path: (f) => `/a2a/demo/tasks/${f.task}/pushNotificationConfigs`,
    body: [() => ({ url: HOOK, token: 't', authentication: { scheme: 'Bearer' } })],
  },
  { method: 'GET', path: (f) => `/a2a/demo/tasks/${f.task}?historyLength=1` },
  { method: 'GET', path: (f) => `/a2a/demo/tasks?contextId=${f.context}&pageSize=2` },
  { method: 'GET', path: (f) => `/a2a/demo/tasks/${f.config[0]}/pushNotificationConfigs/${f.config[1]}` },
  { method: 'DELETE', path: (f) => `/a2a/demo/tasks/${f.config[0]}/pushNotificationConfigs/${f.config[1]}` },
]

export const ORQ_TARGETS: Target[] = [
  ...['/task', '/stream-task'].map((verb) => ({
    method: 'POST',
    path: () => `/orq/v2/agents/demo${verb}`,
    body: ORQ_INVOKE,
  })),
  ...['/run', '/stream-run'].map((p) => ({ method: 'POST', path: () => `/orq/v2/agents${p}`, body: ORQ_RUN })),
  { method: 'POST', path: () => '/orq/v2/agents/demo/responses', body: ORQ_RESPONSE },
  // The inline agent's body to a saved agent's routes: fields those do not name are ignored or refused, never read.
  ...['/task', '/responses'].map((p) => ({ method: 'POST', path: () => `/orq/v2/agents/demo${p}`, body: ORQ_RUN })),
  { method: 'GET', path: (f) => `/orq/v2/agents/demo/responses/${f.orqTask}` },
  { method: 'GET', path: (f) => `/orq/v2/agents/demo/responses/${f.orqCall[0]}` },
  { method: 'GET', path: () => '/orq/v2/agents/demo' },
  { method: 'GET', path: () => '/orq/v2/agents?limit=1&type=internal' },
]

const TFY_SESSIONS = '/truefoundry/v1/agents/sessions'
const tfyTurnPath = (f: Fills) => `${TFY_SESSIONS}/${f.tfyTurn[0]}/turns/${f.tfyTurn[1]}`

export const TFY_TARGETS: Target[] = [
  { method: 'POST', path: () => TFY_SESSIONS, body: TFY_SESSION_CREATE },
  { method: 'GET', path: () => `${TFY_SESSIONS}?agent_name=demo&limit=2&order=asc` },
  { method: 'GET', path: (f) => `${TFY_SESSIONS}/${f.tfySession}` },
  { method: 'POST', path: (f) => `${TFY_SESSIONS}/${f.tfySession}/turns`, body: TFY_TURN },
  { method: 'POST', path: (f) => `${TFY_SESSIONS}/${f.tfyTurn[0]}/turns`, body: TFY_TURN },
  { method: 'POST', path: (f) => `${TFY_SESSIONS}/${f.tfyCall[0]}/turns`, body: TFY_ANSWER },
  { method: 'GET', path: (f) => `${TFY_SESSIONS}/${f.tfyTurn[0]}/turns?limit=2` },
  { method: 'GET', path: (f) => tfyTurnPath(f) },
  { method: 'POST', path: (f) => `${tfyTurnPath(f)}/subscribe`, body: TFY_SUBSCRIBE },
  { method: 'POST', path: (f) => `${tfyTurnPath(f)}/subscribe`, headers: { 'last-event-id': '2' } },
  { method: 'GET', path: (f) => `${tfyTurnPath(f)}/events?order=desc&limit=5` },
  { method: 'GET', path: (f) => `${TFY_SESSIONS}/${f.tfyTurn[0]}/events?limit=3&page_token=1` },
  { method: 'GET', path: (f) => `${TFY_SESSIONS}/${f.tfyTurn[0]}/events?last_turn_id=${f.tfyTurn[1]}` },
  { method: 'POST', path: (f) => `${TFY_SESSIONS}/${f.tfySession}/cancel`, body: [() => ({})] },
  { method: 'POST', path: () => '/truefoundry/agent/responses', body: TFY_RESPONSES },
  { method: 'POST', path: () => '/truefoundry/agent/responses/cancel', body: TFY_CANCEL },
]

/** What else touches a run, thread, response or task while others do: joins, waits, deletes, cancels. */
export const TOUCH_TARGETS: Target[] = [
  { method: 'GET', path: (f) => `/acp/runs/${f.run}/stream` },
  { method: 'GET', path: (f) => `/acp/threads/${f.pair[0]}/runs/${f.pair[1]}/stream` },
  { method: 'GET', path: (f) => `/acp/threads/${f.pair[0]}/runs/${f.pair[1]}/wait` },
  { method: 'POST', path: (f) => `/acp/threads/${f.pair[0]}/runs/${f.pair[1]}/cancel?action=rollback` },
  { method: 'DELETE', path: (f) => `/acp/runs/${f.run}` },
  { method: 'DELETE', path: (f) => `/acp/threads/${f.pair[0]}/runs/${f.pair[1]}` },
  { method: 'DELETE', path: (f) => `/acp/threads/${f.thread}` },
  { method: 'GET', path: (f) => `/v1/responses/${f.response}?stream=true` },
  { method: 'DELETE', path: (f) => `/v1/responses/${f.response}` },
  { method: 'GET', path: (f) => `/a2a/demo/tasks/${f.task}:subscribe` },
  { method: 'POST', path: (f) => `/a2a/demo/tasks/${f.task}:cancel` },
  { method: 'POST', path: (f) => `${TFY_SESSIONS}/${f.tfyTurn[0]}/cancel` },
  {
    method: 'POST',
    path: (f) => `${TFY_SESSIONS}/${f.tfyTurn[0]}/turns`,
    body: [() => ({ input: [tfyMessage('count to 3')] })],
  },
  { method: 'POST', path: (f) => `${tfyTurnPath(f)}/subscribe` },
  { method: 'GET', path: (f) => `${tfyTurnPath(f)}/events` },
  { method: 'POST', path: () => '/truefoundry/agent/responses/cancel', body: TFY_CANCEL },
]

const NO_MUTATION: Mutation = { at: 0, op: 'none', key: '', value: null }

/** `target` as a request: its body built from `f` and mutated by `m`. */
function toReq(t: Target, build: number, f: Fills, m: Mutation, type: string | null, version: string | null): Req {
  const body = t.body ? mutate((t.body[build % t.body.length] as Build)(f), m) : undefined
  return {
    method: t.method,
    path: t.path(f),
    headers: {
      ...(type === null ? {} : { 'content-type': type }),
      ...(version === null ? {} : { 'a2a-version': version }),
      ...t.headers,
    },
    ...(body === undefined ? {} : { body: { json: body } }),
  }
}

/** A target of `targets` with its body mutated once (or left valid), sent as JSON. */
export const targeted = (targets: Target[], pools: Pools): fc.Arbitrary<Req> =>
  fc
    .record({
      target: fc.nat({ max: targets.length - 1 }),
      build: fc.nat(),
      fills: fills(pools),
      mutation,
      type: fc.oneof(
        { weight: 8, arbitrary: fc.constant<string | null>('application/json') },
        { weight: 1, arbitrary: contentType },
      ),
      version: fc.option(fc.constantFrom('1.0', '0.3', ''), { freq: 3 }),
      query: fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: query }),
    })
    .map(({ target, build, fills: f, mutation: m, type, version, query: q }) => {
      const req = toReq(targets[target] as Target, build, f, m, type, version)
      return q ? { ...req, path: `${req.path}${req.path.includes('?') ? '&' : '?'}${q.slice(1)}` } : req
    })

/** 2–5 requests at once about the same run, thread, response and task (mostly valid, so they really act). */
export const concurrent = (targets: Target[], pools: Pools): fc.Arbitrary<Req[]> =>
  fc
    .record({
      fills: fills(pools),
      calls: fc.array(
        fc.record({
          target: fc.nat({ max: targets.length - 1 }),
          build: fc.nat(),
          mutation: fc.oneof({ weight: 4, arbitrary: fc.constant(NO_MUTATION) }, { weight: 1, arbitrary: mutation }),
        }),
        { minLength: 2, maxLength: 5 },
      ),
    })
    .map(({ fills: f, calls }) =>
      calls.map((c) => toReq(targets[c.target] as Target, c.build, f, c.mutation, 'application/json', null)),
    )
