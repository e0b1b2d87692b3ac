// zod schemas of the Orq agents wire (v2), one per schema in specs/orq.yaml and named the same;
// test/types/wire-types.ts checks each against the generated types. Exact to the digest and to what the official SDK
// (`@orq-ai/node`) validates, for what the bridge emits; upstream reading goes through `tolerant()` (reading.ts).
//
// Two vocabularies live here: the v2 task stream (snake_case `data`, 17 event types, envelope `{type, timestamp,
// data}`) and the `/v2/agents/{agent_key}/responses` stream (camelCase, 10 event types). Parts are A2A's `kind`
// parts, extended with `tool_call`, `tool_result` and `error`. Objects strip unknown keys; no field gets a default.
import { z } from 'zod'
import { lazySchema } from '../../core/lazy-schema.js'

const struct = () => z.record(z.string(), z.unknown())

export const ErrorBody = lazySchema(() => z.object({ message: z.string(), code: z.string().optional() }))

// ── Parts and messages ───────────────────────────────────────────────────────────────────────────────────────

export const TextPart = lazySchema(() => z.object({ kind: z.literal('text'), text: z.string() }))
export const ErrorPart = lazySchema(() =>
  z.object({ kind: z.literal('error'), error: z.string(), code: z.number().optional() }),
)
export const DataPart = lazySchema(() =>
  z.object({ kind: z.literal('data'), data: struct(), metadata: struct().optional() }),
)
export const FileWithBytes = lazySchema(() =>
  z.object({
    bytes: z.string().min(1),
    mimeType: z.string().optional(),
    name: z.string().optional(),
  }),
)
export const FileWithUri = lazySchema(() =>
  z.object({ uri: z.string(), mimeType: z.string().optional(), name: z.string().optional() }),
)
export const FilePart = lazySchema(() =>
  z.object({
    kind: z.literal('file'),
    file: z.union([FileWithBytes, FileWithUri]),
    metadata: struct().optional(),
  }),
)
export const ToolCallPart = lazySchema(() =>
  z.object({
    kind: z.literal('tool_call'),
    tool_name: z.string(),
    tool_call_id: z.string().min(1),
    arguments: struct(),
    thought_signature: z.string().optional(),
    metadata: struct().optional(),
  }),
)
export const ToolResultPart = lazySchema(() =>
  z.object({
    kind: z.literal('tool_result'),
    tool_call_id: z.string(),
    result: z.unknown().optional(),
    metadata: struct().optional(),
  }),
)
/** Reasoning streamed by the `/responses` stream only. */
export const ReasoningPart = lazySchema(() =>
  z.object({
    kind: z.literal('reasoning'),
    _id: z.string(),
    reasoning: z.string(),
    signature: z.string().optional(),
    metadata: struct().optional(),
  }),
)
export const Part = lazySchema(() =>
  z.discriminatedUnion('kind', [TextPart, ErrorPart, DataPart, FilePart, ToolCallPart, ToolResultPart]),
)
/** What a client may send: no tool calls (the agent makes them), no data parts. */
export const RequestPart = lazySchema(() =>
  z.discriminatedUnion('kind', [TextPart, FilePart, ToolResultPart, ErrorPart]),
)

export const Role = lazySchema(() => z.enum(['user', 'agent', 'tool', 'system']))

/** A message a client sends: user input, or tool results (`role: "tool"`, only `tool_result` parts). */
export const RequestMessage = lazySchema(() =>
  z.object({
    messageId: z.string().optional(),
    role: z.enum(['user', 'tool']),
    parts: z.array(RequestPart),
  }),
)

/** A message in a Task (`status.message`, `messages[]`): A2A's Message with Orq's roles. */
export const TaskMessage = lazySchema(() =>
  z.object({
    kind: z.literal('message'),
    messageId: z.string(),
    role: Role,
    parts: z.array(Part),
    taskId: z.string().optional(),
    contextId: z.string().optional(),
    metadata: struct().optional(),
  }),
)

/** A message as an event shows it (`inputMessage`, `last_message_full`). */
export const EventMessage = lazySchema(() =>
  z.object({
    messageId: z.string().optional(),
    role: Role,
    parts: z.array(Part),
    metadata: struct().optional(),
  }),
)

/** One changed message of an `event.agents.thought`, keyed by its index in the task's conversation. */
export const ThoughtMessage = lazySchema(() =>
  z.object({
    messageId: z.string(),
    role: Role,
    parts: z.array(Part),
    metadata: struct().optional(),
    agent_id: z.string(),
    agent_execution_id: z.string(),
    workspace_id: z.string(),
  }),
)

/** An output message of the `/responses` surface; reasoning parts are stream-only (the SDK rejects them here). */
export const ResponseMessage = lazySchema(() =>
  z.object({
    messageId: z.string(),
    role: Role,
    parts: z.array(Part),
    metadata: struct().optional(),
  }),
)

// ── Requests ─────────────────────────────────────────────────────────────────────────────────────────────────

export const Identity = lazySchema(() =>
  z.object({
    id: z.string(),
    display_name: z.string().optional(),
    email: z.string().optional(),
    metadata: z.array(struct()).optional(),
    logo_url: z.string().optional(),
    tags: z.array(z.string()).optional(),
  }),
)
export const Thread = lazySchema(() => z.object({ id: z.string(), tags: z.array(z.string()).optional() }))
export const Memory = lazySchema(() => z.object({ entity_id: z.string() }))
export const Engine = lazySchema(() => z.enum(['text', 'jinja', 'mustache']))

/** `POST /v2/agents/{key}/task` and `/stream-task`. */
export const InvokeRequest = lazySchema(() =>
  z.object({
    message: RequestMessage,
    task_id: z.string().optional(),
    variables: struct().optional(),
    identity: Identity.optional(),
    contact: Identity.optional(),
    thread: Thread.optional(),
    memory: Memory.optional(),
    metadata: struct().optional(),
    engine: Engine.optional(),
    configuration: z.object({ blocking: z.boolean().optional() }).optional(),
    stream_timeout_seconds: z.number().min(1).max(3600).optional(),
  }),
)

export const FunctionDefinition = lazySchema(() =>
  z.object({
    name: z.string(),
    description: z.string().optional(),
    strict: z.boolean().optional(),
    parameters: struct().optional(),
  }),
)
/** An entry of `settings.tools`: a function tool defined inline, or any other tool by type (kept as sent). */
export const ToolEntry = lazySchema(() =>
  z.looseObject({
    type: z.string(),
    key: z.string().optional(),
    id: z.string().optional(),
    display_name: z.string().optional(),
    description: z.string().optional(),
    function: FunctionDefinition.optional(),
    requires_approval: z.boolean().optional(),
  }),
)
export const ToolApprovalRequired = lazySchema(() => z.enum(['all', 'respect_tool', 'none']))
export const RunSettings = lazySchema(() =>
  z.object({
    tools: z.array(ToolEntry).optional(),
    tool_approval_required: ToolApprovalRequired.optional(),
    max_iterations: z.number().int().min(1).max(100).optional(),
    max_execution_time: z.number().min(2).max(600).optional(),
    max_cost: z.number().min(0).optional(),
    evaluators: z.array(struct()).optional(),
    guardrails: z.array(struct()).optional(),
    chat_exposed: z.boolean().optional(),
  }),
)
/** A model: `provider/model`, or an object with parameters and a retry policy. */
export const ModelChoice = lazySchema(() =>
  z.union([z.string(), z.object({ id: z.string(), parameters: struct().optional(), retry: struct().optional() })]),
)

/** `POST /v2/agents/run` and `/stream-run`: the invoke body plus the agent defined inline. */
export const RunRequest = lazySchema(() =>
  InvokeRequest.extend({
    key: z.string(),
    model: ModelChoice,
    fallback_models: z.array(ModelChoice).optional(),
    role: z.string(),
    instructions: z.string(),
    path: z.string(),
    settings: RunSettings,
    description: z.string().optional(),
    system_prompt: z.string().optional(),
    memory_stores: z.array(z.string()).optional(),
    knowledge_bases: z.array(z.object({ knowledge_id: z.string() })).optional(),
    team_of_agents: z.array(z.object({ key: z.string(), role: z.string().optional() })).optional(),
  }),
)

/** `POST /v2/agents/{agent_key}/responses`. */
export const AgentResponseRequest = lazySchema(() =>
  InvokeRequest.omit({ stream_timeout_seconds: true }).extend({
    background: z.boolean().optional(),
    stream: z.boolean().optional(),
    conversation: z.object({ _id: z.string() }).optional(),
  }),
)

// ── Agents ───────────────────────────────────────────────────────────────────────────────────────────────────

export const ManifestTool = lazySchema(() =>
  z.object({
    id: z.string(),
    key: z.string().optional(),
    action_type: z.string(),
    display_name: z.string().optional(),
    description: z.string().optional(),
    configuration: struct().optional(),
    requires_approval: z.boolean().optional(),
    tool_id: z.string().optional(),
    timeout: z.number().optional(),
  }),
)
export const ManifestSettings = lazySchema(() =>
  z.object({
    max_iterations: z.number().int().optional(),
    max_execution_time: z.number().optional(),
    max_cost: z.number().optional(),
    tool_approval_required: ToolApprovalRequired.optional(),
    tools: z.array(ManifestTool).optional(),
  }),
)
export const AgentManifest = lazySchema(() =>
  z.object({
    _id: z.string(),
    key: z.string(),
    display_name: z.string().optional(),
    project_id: z.string(),
    workspace_id: z.string().optional(),
    status: z.enum(['live', 'draft', 'pending', 'published']),
    version: z.string().optional(),
    path: z.string(),
    type: z.enum(['internal', 'a2a']),
    source: z.enum(['internal', 'external', 'experiment']).optional(),
    engine: Engine.optional(),
    role: z.string(),
    description: z.string(),
    instructions: z.string(),
    system_prompt: z.string().nullable().optional(),
    memory_stores: z.array(z.string()).optional(),
    team_of_agents: z.array(z.object({ key: z.string(), role: z.string().optional() })).optional(),
    skills: z.array(z.string()).optional(),
    metrics: z.object({ total_cost: z.number() }).optional(),
    settings: ManifestSettings.optional(),
    model: z.object({ id: z.string(), integration_id: z.string().nullable().optional() }),
    created: z.string().optional(),
    updated: z.string().optional(),
  }),
)
export const AgentList = lazySchema(() =>
  z.object({ object: z.literal('list'), data: z.array(AgentManifest), has_more: z.boolean() }),
)

// ── Tasks ────────────────────────────────────────────────────────────────────────────────────────────────────

export const TaskState = lazySchema(() =>
  z.enum(['submitted', 'working', 'input-required', 'auth-required', 'completed', 'failed', 'canceled', 'rejected']),
)
export const TaskStatus = lazySchema(() =>
  z.object({
    state: TaskState,
    timestamp: z.string().optional(),
    message: TaskMessage.optional(),
  }),
)
export const Task = lazySchema(() =>
  z.object({
    id: z.string(),
    contextId: z.string(),
    kind: z.literal('task'),
    status: TaskStatus,
    messages: z.array(TaskMessage).optional(),
    metadata: struct().optional(),
  }),
)

// ── Shared event fields ──────────────────────────────────────────────────────────────────────────────────────

const count = () => z.number().nullable().optional()
export const Usage = lazySchema(() =>
  z.object({
    completion_tokens: z.number().optional(),
    prompt_tokens: z.number().optional(),
    total_tokens: z.number().optional(),
    prompt_tokens_details: z
      .object({ cached_tokens: count(), cache_creation_tokens: count(), audio_tokens: count() })
      .nullable()
      .optional(),
    completion_tokens_details: z
      .object({
        reasoning_tokens: count(),
        accepted_prediction_tokens: count(),
        rejected_prediction_tokens: count(),
        audio_tokens: count(),
      })
      .nullable()
      .optional(),
  }),
)
export const Billing = lazySchema(() =>
  z.object({
    total_cost: z.number(),
    input_cost: z.number(),
    output_cost: z.number(),
    billable: z.boolean(),
    integration_id: z.string().nullable(),
  }),
)
/** Why the agent stopped (or paused: `function_call` waits for client tool results). */
export const FinishReason = lazySchema(() =>
  z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'function_call', 'max_iterations', 'max_time']),
)
export const PendingToolCall = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string().optional(), arguments: z.string().optional() }),
  }),
)
export const ChoiceToolCall = lazySchema(() =>
  z.object({
    index: z.number().optional(),
    id: z.string().optional(),
    type: z.literal('function').optional(),
    function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
    thought_signature: z.string().optional(),
  }),
)
/** The model's choice of one iteration; `finish_reason` must be present, null while the iteration goes on. */
export const Choice = lazySchema(() =>
  z.object({
    finish_reason: z.enum(['stop', 'length', 'tool_calls', 'content_filter', 'function_call']).nullable(),
    index: z.number().optional(),
    message: z.object({
      content: z.string().nullable().optional(),
      refusal: z.string().nullable().optional(),
      tool_calls: z.array(ChoiceToolCall).optional(),
      role: z.literal('assistant').optional(),
      reasoning: z.string().nullable().optional(),
      reasoning_signature: z.string().nullable().optional(),
      redacted_reasoning: z.string().optional(),
    }),
  }),
)
export const ToolExecutionContext = lazySchema(() =>
  z.object({
    action_id: z.string(),
    agent_tool_call_id: z.string(),
    workspace_id: z.string(),
    agent_manifest_id: z.string(),
    agent_execution_id: z.string(),
    /** One of 18 products in Orq's schema; the bridge sends `agents`. */
    product: z.string(),
    memory: Memory.optional(),
    parent_id: z.string().optional(),
    variables: struct().optional(),
    secret_keys: z.array(z.string()).optional(),
  }),
)

const envelope = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), timestamp: z.string(), data })

// ── The task stream (`stream-task`, `stream-run`) ────────────────────────────────────────────────────────────

export const ExecutionStartedEvent = lazySchema(() =>
  envelope(
    'agents.execution_started',
    z.object({ agent_task_id: z.string(), workspace_id: z.string(), trace_id: z.string() }),
  ),
)
export const AgentStartedEvent = lazySchema(() =>
  envelope(
    'event.agents.started',
    z.object({
      workflowRunId: z.string(),
      integration_id: z.string().optional(),
      inputMessage: EventMessage,
      modelId: z.string(),
      instructions: z.string(),
      system_prompt: z.string(),
      settings: ManifestSettings.optional(),
      agent_manifest_id: z.string(),
      agent_key: z.string(),
      agent_description: z.string().nullable().optional(),
      agent_source: z.enum(['internal', 'external', 'experiment']).nullable().optional(),
      variables: struct().optional(),
      tool_execution_id: z.string().optional(),
      is_continuation: z.boolean().optional(),
      stream: z.boolean().optional(),
      responseId: z.string().optional(),
    }),
  ),
)
export const AgentThoughtEvent = lazySchema(() =>
  envelope(
    'event.agents.thought',
    z.object({
      agent_id: z.string(),
      message_difference: z.record(z.string(), ThoughtMessage),
      choice: Choice.optional(),
      choiceIndex: z.number().optional(),
      iteration: z.number(),
      accumulated_execution_time: z.number(),
      responseId: z.string().optional(),
      usage: Usage.optional(),
    }),
  ),
)
export const AgentInactiveEvent = lazySchema(() =>
  envelope(
    'event.agents.inactive',
    z.object({
      last_message: z.string(),
      last_message_full: EventMessage.optional(),
      finish_reason: FinishReason,
      pending_tool_calls: z.array(PendingToolCall).optional(),
      usage: Usage.extend({ time_to_first_token: z.number().optional() }).optional(),
      billing: Billing.optional(),
      workflowRunId: z.string(),
      responseId: z.string().optional(),
    }),
  ),
)
export const AgentErroredEvent = lazySchema(() =>
  envelope(
    'event.agents.errored',
    z.object({ error: z.string(), code: z.number(), workflowRunId: z.string(), responseId: z.string().optional() }),
  ),
)
export const ActionReviewRequestedEvent = lazySchema(() =>
  envelope(
    'event.agents.action_review_requested',
    z.object({
      agent_id: z.string(),
      action_id: z.string(),
      requires_approval: z.boolean(),
      tool: ManifestTool,
      input: struct(),
      agent_tool_call_id: z.string(),
      responseId: z.string().optional(),
    }),
  ),
)
export const ActionReviewedEvent = lazySchema(() =>
  envelope(
    'event.agents.action_reviewed',
    z.object({
      agent_id: z.string(),
      action_id: z.string(),
      agent_tool_call_id: z.string(),
      review: z.enum(['approved', 'rejected']),
      mock_output: struct().optional(),
      review_source: z.string().optional(),
      reviewed_by_id: z.string().optional(),
      workflowRunId: z.string(),
    }),
  ),
)
export const ExecutionReviewRequiredEvent = lazySchema(() =>
  envelope('event.agents.execution_review_required', z.object({})),
)
export const ExecutionReviewedEvent = lazySchema(() => envelope('event.agents.execution_reviewed', z.object({})))
export const ExecutionNamedEvent = lazySchema(() =>
  envelope('event.agents.execution_named', z.object({ name: z.string(), agent_manifest_id: z.string() })),
)
export const AgentHandedOffEvent = lazySchema(() =>
  envelope('event.agents.handed_off', z.object({ agent_id: z.string(), input: z.string() })),
)
export const MessageCreatedEvent = lazySchema(() =>
  envelope(
    'event.agents.message-created',
    z.object({
      workflowRunId: z.string(),
      spanId: z.string(),
      parentId: z.string(),
      message: z.array(
        z.object({
          messageId: z.string().optional(),
          role: z.enum(['user', 'tool']),
          parts: z.array(Part),
          metadata: struct().optional(),
        }),
      ),
    }),
  ),
)
const toolEventFields = {
  action_type: z.string(),
  tool_execution_context: ToolExecutionContext,
  responseId: z.string().optional(),
  workflowRunId: z.string(),
  stream: z.boolean().optional(),
}
export const ToolExecutionStartedEvent = lazySchema(() =>
  envelope(
    'event.workflow_events.tool_execution_started',
    z.object({
      tool_id: z.string(),
      tool_key: z.string().optional(),
      tool_display_name: z.string().optional(),
      tool_description: z.string().nullable().optional(),
      tool_arguments: struct(),
      ...toolEventFields,
    }),
  ),
)
export const ToolExecutionFinishedEvent = lazySchema(() =>
  envelope(
    'event.workflow_events.tool_execution_finished',
    z.object({ result: z.unknown().optional(), ...toolEventFields }),
  ),
)
export const ToolExecutionFailedEvent = lazySchema(() =>
  envelope(
    'event.workflow_events.tool_execution_failed',
    z.object({ error: z.object({ message: z.string(), stack: z.string().optional() }), ...toolEventFields }),
  ),
)
export const TimeoutEvent = lazySchema(() => envelope('agents.timeout', z.object({ message: z.string() })))
export const StreamErrorEvent = lazySchema(() =>
  envelope('agents.error', z.object({ error: z.string(), code: z.string() })),
)

export const AgentStreamEvent = lazySchema(() =>
  z.discriminatedUnion('type', [
    ExecutionStartedEvent,
    AgentStartedEvent,
    AgentThoughtEvent,
    AgentInactiveEvent,
    AgentErroredEvent,
    ActionReviewRequestedEvent,
    ActionReviewedEvent,
    ExecutionReviewRequiredEvent,
    ExecutionReviewedEvent,
    ExecutionNamedEvent,
    AgentHandedOffEvent,
    MessageCreatedEvent,
    ToolExecutionStartedEvent,
    ToolExecutionFinishedEvent,
    ToolExecutionFailedEvent,
    TimeoutEvent,
    StreamErrorEvent,
  ]),
)

// ── The `/responses` surface ─────────────────────────────────────────────────────────────────────────────────

export const Telemetry = lazySchema(() => z.object({ trace_id: z.string(), span_id: z.string() }))

export const AgentResponse = lazySchema(() =>
  z.object({
    _id: z.string(),
    task_id: z.string(),
    output: z.array(ResponseMessage),
    created_at: z.string(),
    model: z.string(),
    usage: Usage.nullable().optional(),
    finish_reason: FinishReason.optional(),
    pending_tool_calls: z.array(PendingToolCall).optional(),
    telemetry: Telemetry.optional(),
  }),
)
/** `GET /v2/agents/{agent_key}/responses/{task_id}`: the response as it stands. */
export const AgentResponseState = lazySchema(() =>
  AgentResponse.extend({
    status: z.enum(['in_progress', 'completed', 'failed']),
    error: z.string().optional(),
  }),
)

/** A fragment of a part being streamed: text or reasoning so far is appended; data and file parts come whole. */
export const PartDelta = lazySchema(() => z.discriminatedUnion('kind', [TextPart, ReasoningPart, DataPart, FilePart]))

export const ResponseStartedEvent = lazySchema(() =>
  envelope(
    'response.started',
    z.object({
      responseId: z.string(),
      taskId: z.string(),
      model: z.string(),
      workflowRunId: z.string(),
      userMessageId: z.string().optional(),
      assistantMessageId: z.string().optional(),
      telemetry: Telemetry.optional(),
    }),
  ),
)
export const PartDeltaEvent = lazySchema(() =>
  envelope('part.delta', z.object({ partId: z.string(), delta: PartDelta })),
)
export const PartDoneEvent = lazySchema(() => envelope('part.done', z.object({ partId: z.string(), part: PartDelta })))
export const ToolStartedEvent = lazySchema(() =>
  envelope(
    'tool.started',
    z.object({ toolId: z.string(), toolName: z.string().optional(), toolCallId: z.string(), arguments: struct() }),
  ),
)
export const ToolDoneEvent = lazySchema(() =>
  envelope('tool.done', z.object({ toolId: z.string(), toolCallId: z.string(), result: z.unknown().optional() })),
)
export const ToolFailedEvent = lazySchema(() =>
  envelope('tool.failed', z.object({ toolId: z.string(), toolCallId: z.string(), error: z.string() })),
)
export const ToolReviewRequestedEvent = lazySchema(() =>
  envelope(
    'tool.review.requested',
    z.object({
      toolId: z.string(),
      toolCallId: z.string(),
      toolName: z.string().optional(),
      arguments: struct(),
      requiresApproval: z.boolean(),
    }),
  ),
)
export const ToolReviewDoneEvent = lazySchema(() =>
  envelope(
    'tool.review.done',
    z.object({ toolId: z.string(), toolCallId: z.string(), review: z.enum(['approved', 'rejected']) }),
  ),
)
export const ResponseDoneEvent = lazySchema(() =>
  envelope(
    'response.done',
    z.object({
      finishReason: FinishReason,
      usage: Usage.optional(),
      pendingToolCalls: z.array(PendingToolCall).optional(),
      telemetry: Telemetry.optional(),
    }),
  ),
)
export const ResponseFailedEvent = lazySchema(() =>
  envelope('response.failed', z.object({ error: z.string(), code: z.number() })),
)

export const ResponseStreamEvent = lazySchema(() =>
  z.discriminatedUnion('type', [
    ResponseStartedEvent,
    PartDeltaEvent,
    PartDoneEvent,
    ToolStartedEvent,
    ToolDoneEvent,
    ToolFailedEvent,
    ToolReviewRequestedEvent,
    ToolReviewDoneEvent,
    ResponseDoneEvent,
    ResponseFailedEvent,
  ]),
)

export type RequestMessage = z.infer<typeof RequestMessage>
export type InvokeRequest = z.infer<typeof InvokeRequest>
export type RunRequest = z.infer<typeof RunRequest>
export type AgentResponseRequest = z.infer<typeof AgentResponseRequest>
export type Part = z.infer<typeof Part>
export type TaskMessage = z.infer<typeof TaskMessage>
export type ThoughtMessage = z.infer<typeof ThoughtMessage>
export type Task = z.infer<typeof Task>
export type TaskState = z.infer<typeof TaskState>
export type AgentManifest = z.infer<typeof AgentManifest>
export type Usage = z.infer<typeof Usage>
export type FinishReason = z.infer<typeof FinishReason>
export type PendingToolCall = z.infer<typeof PendingToolCall>
export type AgentStreamEvent = z.infer<typeof AgentStreamEvent>
export type ResponseStreamEvent = z.infer<typeof ResponseStreamEvent>
export type AgentResponse = z.infer<typeof AgentResponse>
export type AgentResponseState = z.infer<typeof AgentResponseState>
export type ResponseMessage = z.infer<typeof ResponseMessage>
