// zod schemas of TrueFoundry's "responses" agent surface (`POST /agent/responses`), one per schema in
// specs/truefoundry-responses.yaml and named the same; test/types/wire-types.ts checks each against the generated
// types. Exact to the spec for what the bridge emits (every event it sends carries `sequence_id`); upstream reading
// goes through `tolerant()`. Objects strip unknown keys; no field gets a default.
//
// Two things share one `type` and are told apart one level down: `agent.message` is an assistant fragment (role
// absent or `assistant`) or a tool result (role `tool`), and `response.done` has three forms by `status`.
import { z } from 'zod'
import { lazySchema } from '../../core/lazy-schema.js'

const struct = () => z.record(z.string(), z.unknown())
const strings = () => z.record(z.string(), z.string())

export const RequestErrorResponse = lazySchema(() =>
  z.object({
    error: z.object({
      message: z.string(),
      type: z.string().optional(),
      code: z.string().optional(),
      param: z.string().optional(),
    }),
  }),
)

// ── Request ──────────────────────────────────────────────────────────────────────────────────────────────────

export const TextContentPart = lazySchema(() => z.object({ type: z.literal('text'), text: z.string() }))
/** A file sent with a user message; `file_data` is a data URL. */
export const FileUploadContentPart = lazySchema(() =>
  z.object({
    type: z.literal('file_upload'),
    file: z.object({ filename: z.string(), file_data: z.string() }),
  }),
)
export const UserContentPart = lazySchema(() => z.discriminatedUnion('type', [TextContentPart, FileUploadContentPart]))
export const UserInputMessage = lazySchema(() =>
  z.object({
    role: z.literal('user'),
    content: z.union([z.string(), z.array(UserContentPart)]),
  }),
)

export const ApprovalAllow = lazySchema(() => z.object({ status: z.literal('allow') }))
export const ApprovalDeny = lazySchema(() => z.object({ status: z.literal('deny'), reason: z.string().optional() }))
export const ApprovalDecision = lazySchema(() => z.discriminatedUnion('status', [ApprovalAllow, ApprovalDeny]))
export const ToolApprovalInput = lazySchema(() =>
  z.object({
    type: z.literal('tool.approval'),
    execution_id: z.string(),
    tool_call_id: z.string(),
    approval: ApprovalDecision,
  }),
)
export const ClientSideToolResponseInput = lazySchema(() =>
  z.object({
    type: z.literal('tool.client_side_response'),
    execution_id: z.string(),
    tool_call_id: z.string(),
    content: z.string(),
  }),
)
export const ResumeInputItem = lazySchema(() =>
  z.discriminatedUnion('type', [ToolApprovalInput, ClientSideToolResponseInput]),
)
/** New user messages, or the answers to a paused turn; never both in one request. */
export const AgentResponsesInput = lazySchema(() => z.union([z.array(UserInputMessage), z.array(ResumeInputItem)]))

export const SkillMount = lazySchema(() => z.object({ fqn: z.string(), preload_skill_md: z.boolean() }))
export const McpServerConfig = lazySchema(() =>
  z.object({
    name: z.string(),
    headers: strings().optional(),
    enable_all_tools: z.boolean(),
    tools: z.array(z.object({ name: z.string(), eager: z.literal(true).optional() })).optional(),
    deferred: z.boolean(),
  }),
)
export const ReasoningEffort = lazySchema(() => z.enum(['none', 'minimal', 'low', 'medium', 'high']))
export const ModelParams = lazySchema(() =>
  z.object({
    max_tokens: z.number().optional(),
    temperature: z.number().optional(),
    top_p: z.number().optional(),
    top_k: z.number().optional(),
    parallel_tool_calls: z.boolean().optional(),
    reasoning_effort: ReasoningEffort.optional(),
  }),
)
export const ResponseFormatText = lazySchema(() => z.object({ type: z.literal('text') }))
export const ResponseFormatJsonObject = lazySchema(() => z.object({ type: z.literal('json_object') }))
export const ResponseFormatJsonSchema = lazySchema(() =>
  z.object({
    type: z.literal('json_schema'),
    json_schema: z.object({
      name: z.string(),
      description: z.string().optional(),
      schema: struct().optional(),
      strict: z.boolean().optional(),
    }),
  }),
)
export const ResponseFormat = lazySchema(() =>
  z.discriminatedUnion('type', [ResponseFormatText, ResponseFormatJsonObject, ResponseFormatJsonSchema]),
)

/** A turn of an agent saved in TrueFoundry's registry. */
export const SavedAgentRequest = lazySchema(() =>
  z.object({
    agent_name: z.string(),
    variables: strings().optional(),
    previous_response_id: z.string().optional(),
    input: AgentResponsesInput.optional(),
    skills: z.array(SkillMount).optional(),
  }),
)
/** A turn of an agent defined in the request (nothing stored). */
export const InlineAgentRequest = lazySchema(() =>
  z.object({
    model: z.string(),
    instruction: z.string().optional(),
    messages: z.array(z.object({ role: z.literal('user'), content: z.string() })).optional(),
    mcp_servers: z.array(McpServerConfig).optional(),
    model_params: ModelParams.optional(),
    response_format: ResponseFormat.optional(),
    iteration_limit: z.number().optional(),
    skills: z.array(SkillMount).optional(),
    sandbox: z.object({ enabled: z.boolean() }).optional(),
    sub_agents: z.array(z.object({ name: z.string() })).optional(),
    variables: strings().optional(),
    previous_response_id: z.string().optional(),
    input: AgentResponsesInput.optional(),
  }),
)
export const AgentResponsesRequest = lazySchema(() => z.union([SavedAgentRequest, InlineAgentRequest]))

export const CancelResponseRequest = lazySchema(() => z.object({ response_id: z.string() }))
export const CancelResponseResponse = lazySchema(() => z.object({}))

// ── Pieces of events ─────────────────────────────────────────────────────────────────────────────────────────

/** Known: stop, length, tool_calls, content_filter, function_call; others are accepted. */
export const FinishReason = lazySchema(() => z.string())
export const McpToolCallInfo = lazySchema(() =>
  z.object({
    mcp_server_id: z.string(),
    mcp_server_name: z.string(),
    original_tool_name: z.string(),
    is_approval_required: z.boolean().optional(),
    is_deferred: z.boolean().optional(),
    is_client_side: z.boolean().optional(),
  }),
)
/** A fragment of a tool call; fragments with the same `index` make one call, their `arguments` appended. */
export const ToolCallDelta = lazySchema(() =>
  z.object({
    index: z.number().int(),
    id: z.string().optional(),
    type: z.literal('function').optional(),
    function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
    tool_info: McpToolCallInfo.optional(),
    provider_specific_fields: struct().optional(),
  }),
)
export const AssistantToolCall = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }),
    tool_info: McpToolCallInfo,
    provider_specific_fields: struct().optional(),
  }),
)
export const FunctionCall = lazySchema(() =>
  z.object({ name: z.string().optional(), arguments: z.string().optional() }),
)
export const ThinkingBlock = lazySchema(() =>
  z.object({
    type: z.literal('thinking'),
    thinking: z.string(),
    signature: z.string().optional(),
  }),
)
export const RedactedThinkingBlock = lazySchema(() =>
  z.object({ type: z.literal('redacted_thinking'), data: z.string() }),
)
export const AssistantThinkingBlock = lazySchema(() =>
  z.discriminatedUnion('type', [ThinkingBlock, RedactedThinkingBlock]),
)
export const RefusalContentPart = lazySchema(() => z.object({ type: z.literal('refusal'), refusal: z.string() }))
export const AssistantContentPart = lazySchema(() =>
  z.discriminatedUnion('type', [TextContentPart, RefusalContentPart]),
)
/** A whole assistant message of one execution (`agent.done` / `agent.error` / failed `response.done` output). */
export const AgentAssistantMessage = lazySchema(() =>
  z.object({
    type: z.literal('agent.message'),
    role: z.literal('assistant'),
    execution_id: z.string(),
    content: z.union([z.string(), z.array(AssistantContentPart)]).optional(),
    refusal: z.string().optional(),
    name: z.string().optional(),
    thinking_blocks: z.array(AssistantThinkingBlock).optional(),
    tool_calls: z.array(AssistantToolCall).optional(),
    function_call: FunctionCall.optional(),
    finish_reason: FinishReason.optional(),
    /** Unix seconds. */
    created_at: z.number().optional(),
  }),
)
export const AgentParent = lazySchema(() => z.object({ tool_call_id: z.string(), execution_id: z.string() }))
export const AgentInfo = lazySchema(() =>
  z.object({ type: z.literal('agent-defined'), name: z.string(), input: z.string() }),
)
export const McpServerSession = lazySchema(() =>
  z.object({
    mcp_server_id: z.string(),
    mcp_server_name: z.string(),
    session_id: z.string().optional(),
  }),
)
export const McpServerAuth = lazySchema(() =>
  z.object({
    mcp_server_id: z.string(),
    mcp_server_name: z.string(),
    auth_url: z.string(),
    execution_ids: z.array(z.string()),
  }),
)
export const ToolCallId = lazySchema(() => z.object({ id: z.string() }))
export const CancellationReason = lazySchema(() => z.enum(['server-execution-timeout', 'client-cancelled']))
/** From 1 in each stream; only grows, may skip numbers. */
export const SequenceId = lazySchema(() => z.number().int().min(1))

// ── Events ───────────────────────────────────────────────────────────────────────────────────────────────────

export const ResponseCreatedEvent = lazySchema(() =>
  z.object({
    type: z.literal('response.created'),
    response_id: z.string(),
    created_at: z.string(),
    sequence_id: SequenceId,
  }),
)
/** A fragment of an assistant message; the fragment with `finish_reason` ends it. */
export const AssistantMessageDeltaEvent = lazySchema(() =>
  z.object({
    type: z.literal('agent.message'),
    execution_id: z.string(),
    role: z.literal('assistant').optional(),
    content: z.string().optional(),
    refusal: z.string().optional(),
    reasoning_content: z.string().optional(),
    thinking_blocks: z.array(AssistantThinkingBlock).optional(),
    tool_calls: z.array(ToolCallDelta).optional(),
    function_call: FunctionCall.optional(),
    finish_reason: FinishReason.optional(),
    /** ISO 8601. */
    created_at: z.string().optional(),
    sequence_id: SequenceId,
  }),
)
/** The result of a tool the harness ran. */
export const ToolResultMessageEvent = lazySchema(() =>
  z.object({
    type: z.literal('agent.message'),
    role: z.literal('tool'),
    tool_call_id: z.string(),
    content: z.string(),
    execution_id: z.string(),
    /** Unix seconds. */
    created_at: z.number().optional(),
    sequence_id: SequenceId,
  }),
)
export const AgentMessageEvent = lazySchema(() =>
  z.discriminatedUnion('role', [AssistantMessageDeltaEvent, ToolResultMessageEvent]),
)
export const AgentCreatedEvent = lazySchema(() =>
  z.object({
    type: z.literal('agent.created'),
    execution_id: z.string(),
    parent: AgentParent,
    agent_info: AgentInfo,
    created_at: z.string().optional(),
    sequence_id: SequenceId,
  }),
)
export const AgentDoneEvent = lazySchema(() =>
  z.object({
    type: z.literal('agent.done'),
    execution_id: z.string(),
    output: AgentAssistantMessage,
    parent: AgentParent.optional(),
    sequence_id: SequenceId,
  }),
)
export const AgentErrorEvent = lazySchema(() =>
  z.object({
    type: z.literal('agent.error'),
    execution_id: z.string(),
    message: z.string(),
    parent: AgentParent.optional(),
    output: AgentAssistantMessage.optional(),
    sequence_id: SequenceId,
  }),
)
export const McpInitializeEvent = lazySchema(() =>
  z.object({
    type: z.literal('mcp.initialize'),
    execution_id: z.string(),
    content: z.array(McpServerSession),
    sequence_id: SequenceId,
  }),
)
export const McpAuthRequiredEvent = lazySchema(() =>
  z.object({
    type: z.literal('mcp.auth_required'),
    servers: z.array(McpServerAuth),
    sequence_id: SequenceId,
  }),
)
export const SandboxCreatedEvent = lazySchema(() =>
  z.object({
    type: z.literal('sandbox.created'),
    sandbox_id: z.string(),
    sequence_id: SequenceId,
  }),
)
export const ToolApprovalRequiredEvent = lazySchema(() =>
  z.object({
    type: z.literal('tool.approval_required'),
    execution_id: z.string(),
    tool_calls: z.array(ToolCallId),
    sequence_id: SequenceId,
  }),
)
export const ToolResponseRequiredEvent = lazySchema(() =>
  z.object({
    type: z.literal('tool.response_required'),
    execution_id: z.string(),
    tool_calls: z.array(ToolCallId),
    sequence_id: SequenceId,
  }),
)
export const ResponseDoneFinishedEvent = lazySchema(() =>
  z.object({
    type: z.literal('response.done'),
    status: z.literal('done'),
    sequence_id: SequenceId,
  }),
)
export const ResponseDoneCancelledEvent = lazySchema(() =>
  z.object({
    type: z.literal('response.done'),
    status: z.literal('cancelled'),
    cancellation_reason: CancellationReason,
    sequence_id: SequenceId,
  }),
)
export const ResponseDoneErrorEvent = lazySchema(() =>
  z.object({
    type: z.literal('response.done'),
    status: z.literal('error'),
    message: z.string(),
    output: AgentAssistantMessage.optional(),
    sequence_id: SequenceId,
  }),
)
export const ResponseDoneEvent = lazySchema(() =>
  z.discriminatedUnion('status', [ResponseDoneFinishedEvent, ResponseDoneCancelledEvent, ResponseDoneErrorEvent]),
)

export const AgentResponseStreamEvent = lazySchema(() =>
  z.discriminatedUnion('type', [
    ResponseCreatedEvent,
    AgentMessageEvent,
    AgentCreatedEvent,
    AgentDoneEvent,
    AgentErrorEvent,
    McpInitializeEvent,
    McpAuthRequiredEvent,
    SandboxCreatedEvent,
    ToolApprovalRequiredEvent,
    ToolResponseRequiredEvent,
    ResponseDoneEvent,
  ]),
)

export type AgentResponsesRequest = z.infer<typeof AgentResponsesRequest>
export type SavedAgentRequest = z.infer<typeof SavedAgentRequest>
export type InlineAgentRequest = z.infer<typeof InlineAgentRequest>
export type AgentResponsesInput = z.infer<typeof AgentResponsesInput>
export type UserInputMessage = z.infer<typeof UserInputMessage>
export type ResumeInputItem = z.infer<typeof ResumeInputItem>
export type AgentAssistantMessage = z.infer<typeof AgentAssistantMessage>
export type ToolCallDelta = z.infer<typeof ToolCallDelta>
export type McpToolCallInfo = z.infer<typeof McpToolCallInfo>
export type AgentMessageEvent = z.infer<typeof AgentMessageEvent>
export type AssistantMessageDeltaEvent = z.infer<typeof AssistantMessageDeltaEvent>
export type ToolResultMessageEvent = z.infer<typeof ToolResultMessageEvent>
export type ResponseDoneEvent = z.infer<typeof ResponseDoneEvent>
export type AgentResponseStreamEvent = z.infer<typeof AgentResponseStreamEvent>
export type RequestErrorResponse = z.infer<typeof RequestErrorResponse>
