// zod schemas of TrueFoundry's sessions and turns agent surface (`/v1/agents/sessions…`), one per schema in
// specs/truefoundry-sessions.yaml and named the same; test/types/wire-types.ts checks each against the generated
// types. Exact to the spec for what the bridge emits; upstream reading goes through `tolerant()`. Objects strip
// unknown keys; no field gets a default.
//
// Every event carries `type`, `id` (shared by a `model.message` and its deltas), `created_at` (ISO 8601; optional
// on deltas only) and `thread_id` (`main` for the root agent, the sub-agent's own id otherwise, null on
// turn-level events). The event's sequence number is not in the JSON: it is the SSE `id:` line.
import { z } from 'zod'
import {
  ApprovalAllow,
  ApprovalDecision,
  ApprovalDeny,
  FinishReason,
  FunctionCall,
  RedactedThinkingBlock,
  RefusalContentPart,
  RequestErrorResponse,
  TextContentPart,
  ThinkingBlock,
} from './responses-wire.js'
import { lazySchema } from '../../core/lazy-schema.js'

const struct = () => z.record(z.string(), z.unknown())

export const SortOrder = lazySchema(() => z.enum(['asc', 'desc']))

// ── Records ──────────────────────────────────────────────────────────────────────────────────────────────────

export const Subject = lazySchema(() =>
  z.object({ subject_id: z.string(), subject_type: z.string(), subject_slug: z.string() }),
)
export const Session = lazySchema(() =>
  z.object({
    type: z.literal('session'),
    id: z.string(),
    agent_name: z.string(),
    title: z.string().nullable(),
    created_by_subject: Subject,
    created_at: z.string(),
    updated_at: z.string(),
  }),
)
export const Pagination = lazySchema(() =>
  z.object({
    next_page_token: z.string().optional(),
    previous_page_token: z.string().optional(),
    limit: z.number().int(),
    order: SortOrder.optional(),
  }),
)
export const TurnMetrics = lazySchema(() =>
  z.object({
    total_input_tokens: z.number(),
    total_output_tokens: z.number(),
    total_tokens: z.number(),
    total_cache_read_tokens: z.number().optional(),
    total_cache_write_tokens: z.number().optional(),
    total_reasoning_tokens: z.number().optional(),
    total_cost_in_usd: z.number().optional(),
  }),
)

// ── Turn input ───────────────────────────────────────────────────────────────────────────────────────────────

/** The same on both surfaces: one schema each, shared. */
export {
  ApprovalAllow,
  ApprovalDecision,
  ApprovalDeny,
  FinishReason,
  FunctionCall,
  RedactedThinkingBlock,
  RefusalContentPart,
  RequestErrorResponse,
  TextContentPart,
  ThinkingBlock,
}
/** A file sent with a user message; `data` is a data URL. */
export const FileContentPart = lazySchema(() =>
  z.object({ type: z.literal('file'), name: z.string(), data: z.string() }),
)
export const UserContentPart = lazySchema(() => z.discriminatedUnion('type', [TextContentPart, FileContentPart]))
export const UserMessageItem = lazySchema(() =>
  z.object({
    type: z.literal('user.message'),
    content: z.union([z.string(), z.array(UserContentPart)]),
  }),
)
export const UserToolApprovalItem = lazySchema(() =>
  z.object({
    type: z.literal('user.tool_approval'),
    thread_id: z.string(),
    tool_call_id: z.string(),
    approval: ApprovalDecision,
  }),
)
export const UserToolResponseItem = lazySchema(() =>
  z.object({
    type: z.literal('user.tool_response'),
    thread_id: z.string(),
    tool_call_id: z.string(),
    content: z.string(),
  }),
)
/** User messages, or the answers to a paused turn; never both in one turn. */
export const TurnInputItem = lazySchema(() =>
  z.discriminatedUnion('type', [UserMessageItem, UserToolApprovalItem, UserToolResponseItem]),
)

// ── Pieces of events ─────────────────────────────────────────────────────────────────────────────────────────

export const McpToolInfo = lazySchema(() =>
  z.object({
    type: z.literal('mcp'),
    server_id: z.string(),
    server_name: z.string(),
    name: z.string(),
  }),
)
export const SystemToolInfo = lazySchema(() => z.object({ type: z.literal('truefoundry-system'), name: z.string() }))
export const ToolInfo = lazySchema(() => z.discriminatedUnion('type', [McpToolInfo, SystemToolInfo]))
/** A whole tool call; `tool_info` is required (the vendor's SDK refuses a call without it). */
export const ToolCall = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('function'),
    function: z.object({ name: z.string(), arguments: z.string() }),
    tool_info: ToolInfo,
    provider_specific_fields: struct().optional(),
  }),
)
/** A fragment of a tool call; fragments with the same `index` make one call, their `arguments` appended. */
export const ToolCallDelta = lazySchema(() =>
  z.object({
    index: z.number().int(),
    id: z.string().optional(),
    type: z.literal('function').optional(),
    function: z.object({ name: z.string().optional(), arguments: z.string().optional() }).optional(),
    tool_info: ToolInfo.optional(),
    provider_specific_fields: struct().optional(),
  }),
)
export const ModelThinkingBlock = lazySchema(() => z.discriminatedUnion('type', [ThinkingBlock, RedactedThinkingBlock]))
export const ModelContentPart = lazySchema(() => z.discriminatedUnion('type', [TextContentPart, RefusalContentPart]))
export const InputTokensBreakdown = lazySchema(() =>
  z.object({
    harness: z.number(),
    skills: z.number(),
    instructions: z.number(),
    tool_definitions: z.number(),
    messages: z.number(),
  }),
)
export const ModelUsage = lazySchema(() =>
  z.object({
    input_tokens: z.number(),
    output_tokens: z.number(),
    cache_read_tokens: z.number().optional(),
    cache_write_tokens: z.number().optional(),
    input_tokens_breakdown: InputTokensBreakdown,
  }),
)
/** A waiting tool call; `source_event_id` is the `model.message` that holds its name and arguments. */
export const ToolCallRef = lazySchema(() => z.object({ id: z.string(), source_event_id: z.string() }))
export const ThreadParent = lazySchema(() => z.object({ thread_id: z.string(), tool_call_id: z.string() }))
export const ThreadAgentInfo = lazySchema(() =>
  z.object({
    type: z.literal('dynamic'),
    name: z.string(),
    input: z.string(),
    model: z.string().optional(),
  }),
)
export const McpTransportType = lazySchema(() => z.enum(['streamable-http', 'sse']))
export const McpServerInit = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    session_id: z.string().optional(),
    transport_type: McpTransportType.optional(),
  }),
)
export const McpServerAuth = lazySchema(() => z.object({ id: z.string(), name: z.string(), auth_url: z.string() }))

// ── Content events ───────────────────────────────────────────────────────────────────────────────────────────

/** A model message: the base its deltas (same `id`) merge into, or whole (in `thread.done`, `turn.done`, lists). */
export const ModelMessageEvent = lazySchema(() =>
  z.object({
    type: z.literal('model.message'),
    id: z.string(),
    thread_id: z.string(),
    created_at: z.string(),
    content: z.union([z.string(), z.array(ModelContentPart)]).optional(),
    name: z.string().optional(),
    refusal: z.string().optional(),
    reasoning_content: z.string().optional(),
    thinking_blocks: z.array(ModelThinkingBlock).optional(),
    tool_calls: z.array(ToolCall).optional(),
    function_call: FunctionCall.optional(),
    finish_reason: FinishReason.optional(),
    usage: ModelUsage.optional(),
  }),
)
/** A fragment of the `model.message` with the same `id`. */
export const ModelMessageDeltaEvent = lazySchema(() =>
  z.object({
    type: z.literal('model.message.delta'),
    id: z.string(),
    thread_id: z.string(),
    created_at: z.string().optional(),
    content: z.string().nullable().optional(),
    refusal: z.string().nullable().optional(),
    reasoning_content: z.string().optional(),
    thinking_blocks: z.array(ModelThinkingBlock).optional(),
    tool_calls: z.array(ToolCallDelta).optional(),
    function_call: FunctionCall.optional(),
    finish_reason: FinishReason.nullable().optional(),
    usage: ModelUsage.optional(),
  }),
)
export const ToolResponseEvent = lazySchema(() =>
  z.object({
    type: z.literal('tool.response'),
    id: z.string(),
    thread_id: z.string(),
    tool_call_id: z.string(),
    content: z.string(),
    created_at: z.string(),
  }),
)
export const ToolApprovalRequiredEvent = lazySchema(() =>
  z.object({
    type: z.literal('tool.approval_required'),
    id: z.string(),
    thread_id: z.string(),
    tool_calls: z.array(ToolCallRef),
    created_at: z.string(),
  }),
)
export const ToolResponseRequiredEvent = lazySchema(() =>
  z.object({
    type: z.literal('tool.response_required'),
    id: z.string(),
    thread_id: z.string(),
    tool_calls: z.array(ToolCallRef),
    created_at: z.string(),
  }),
)
export const ThreadStateDone = lazySchema(() => z.object({ status: z.literal('done'), output: ModelMessageEvent }))
export const ThreadStateError = lazySchema(() =>
  z.object({
    status: z.literal('error'),
    error: z.string(),
    output: ModelMessageEvent.optional(),
  }),
)
export const ThreadState = lazySchema(() => z.discriminatedUnion('status', [ThreadStateDone, ThreadStateError]))
/** A sub-agent started on a new thread (`thread_id` is the new thread). */
export const ThreadCreatedEvent = lazySchema(() =>
  z.object({
    type: z.literal('thread.created'),
    id: z.string(),
    thread_id: z.string(),
    title: z.string(),
    parent: ThreadParent,
    agent_info: ThreadAgentInfo,
    created_at: z.string(),
  }),
)
export const ThreadDoneEvent = lazySchema(() =>
  z.object({
    type: z.literal('thread.done'),
    id: z.string(),
    thread_id: z.string(),
    title: z.string(),
    parent: ThreadParent.optional(),
    state: ThreadState,
    created_at: z.string(),
  }),
)
export const McpInitializeEvent = lazySchema(() =>
  z.object({
    type: z.literal('mcp.initialize'),
    id: z.string(),
    thread_id: z.string(),
    mcp_servers: z.array(McpServerInit),
    created_at: z.string(),
  }),
)
export const McpAuthRequiredEvent = lazySchema(() =>
  z.object({
    type: z.literal('mcp.auth_required'),
    id: z.string(),
    mcp_servers: z.array(McpServerAuth),
    created_at: z.string(),
    thread_id: z.string().nullable(),
  }),
)
export const SandboxCreatedEvent = lazySchema(() =>
  z.object({
    type: z.literal('sandbox.created'),
    id: z.string(),
    sandbox_id: z.string(),
    created_at: z.string(),
    thread_id: z.string().nullable(),
  }),
)
/** A pending action that ended the turn (a copy of the event that announced it). */
export const RequiredAction = lazySchema(() =>
  z.discriminatedUnion('type', [ToolApprovalRequiredEvent, ToolResponseRequiredEvent, McpAuthRequiredEvent]),
)

// ── Turn state and lifecycle events ──────────────────────────────────────────────────────────────────────────

export const TurnStateRunning = lazySchema(() => z.object({ status: z.literal('running') }))
/** Ended; paused when `required_actions` is not empty (then `output` is null). */
export const TurnStateDone = lazySchema(() =>
  z.object({
    status: z.literal('done'),
    output: ModelMessageEvent.nullable(),
    required_actions: z.array(RequiredAction),
    completed_at: z.string(),
    metrics: TurnMetrics.optional(),
  }),
)
export const TurnCancelReason = lazySchema(() =>
  z.enum(['server-execution-timeout', 'client-cancelled', 'cancelled-for-next-turn', 'abandoned']),
)
export const TurnStateCancelled = lazySchema(() =>
  z.object({
    status: z.literal('cancelled'),
    reason: TurnCancelReason,
    completed_at: z.string(),
  }),
)
export const TurnStateError = lazySchema(() =>
  z.object({
    status: z.literal('error'),
    message: z.string(),
    completed_at: z.string(),
    metrics: TurnMetrics.optional(),
  }),
)
export const TurnState = lazySchema(() =>
  z.discriminatedUnion('status', [TurnStateRunning, TurnStateDone, TurnStateCancelled, TurnStateError]),
)
export const TurnDoneState = lazySchema(() =>
  z.discriminatedUnion('status', [TurnStateDone, TurnStateCancelled, TurnStateError]),
)
export const Turn = lazySchema(() =>
  z.object({
    id: z.string(),
    session_id: z.string(),
    previous_turn_id: z.string().nullable(),
    input: z.array(TurnInputItem).optional(),
    state: TurnState,
    created_by_subject: Subject,
    created_at: z.string(),
  }),
)

export const TurnCreatedEvent = lazySchema(() =>
  z.object({
    type: z.literal('turn.created'),
    id: z.string(),
    turn_id: z.string(),
    previous_turn_id: z.string().nullable(),
    input: z.array(TurnInputItem).optional(),
    state: TurnStateRunning,
    /** A Subject in the vendor's SDK; a plain string in its docs. */
    created_by: z.union([Subject, z.string()]),
    created_at: z.string(),
    thread_id: z.string().nullable(),
  }),
)
export const TurnDoneEvent = lazySchema(() =>
  z.object({
    type: z.literal('turn.done'),
    id: z.string(),
    state: TurnDoneState,
    created_at: z.string(),
    thread_id: z.string().nullable(),
  }),
)

export const TurnStreamingEvent = lazySchema(() =>
  z.discriminatedUnion('type', [
    TurnCreatedEvent,
    TurnDoneEvent,
    ModelMessageEvent,
    ModelMessageDeltaEvent,
    ToolResponseEvent,
    ToolApprovalRequiredEvent,
    ToolResponseRequiredEvent,
    ThreadCreatedEvent,
    ThreadDoneEvent,
    McpInitializeEvent,
    McpAuthRequiredEvent,
    SandboxCreatedEvent,
  ]),
)
/** What the turn-events listing holds: content events only. */
export const TurnEvent = lazySchema(() =>
  z.discriminatedUnion('type', [
    ModelMessageEvent,
    ToolResponseEvent,
    ToolApprovalRequiredEvent,
    ToolResponseRequiredEvent,
    ThreadCreatedEvent,
    ThreadDoneEvent,
    McpInitializeEvent,
    McpAuthRequiredEvent,
    SandboxCreatedEvent,
  ]),
)
/** What the session-events listing holds: content and lifecycle events, no deltas. */
export const RecordedTurnEvent = lazySchema(() =>
  z.discriminatedUnion('type', [
    TurnCreatedEvent,
    TurnDoneEvent,
    ModelMessageEvent,
    ToolResponseEvent,
    ToolApprovalRequiredEvent,
    ToolResponseRequiredEvent,
    ThreadCreatedEvent,
    ThreadDoneEvent,
    McpInitializeEvent,
    McpAuthRequiredEvent,
    SandboxCreatedEvent,
  ]),
)

// ── Requests and answers ─────────────────────────────────────────────────────────────────────────────────────

export const CreateSessionRequest = lazySchema(() => z.object({ agent_name: z.string() }))
export const SessionResponse = lazySchema(() => z.object({ data: Session }))
export const ListSessionsResponse = lazySchema(() => z.object({ data: z.array(Session), pagination: Pagination }))
export const CancelSessionRequest = lazySchema(() => z.object({}))
export const CancelSessionResponse = lazySchema(() => z.object({}))
/** `previous_turn_id`: `auto` (the default), an earlier turn's id (branch), or null (first turn). */
export const CreateTurnRequest = lazySchema(() =>
  z.object({
    input: z.array(TurnInputItem).optional(),
    previous_turn_id: z.string().nullable().optional(),
  }),
)
export const TurnResponse = lazySchema(() => z.object({ data: Turn }))
export const ListTurnsResponse = lazySchema(() => z.object({ data: z.array(Turn), pagination: Pagination }))
export const SubscribeTurnRequest = lazySchema(() =>
  z.object({ after_sequence_number: z.number().int().min(0).optional() }),
)
export const ListTurnEventsResponse = lazySchema(() => z.object({ data: z.array(TurnEvent), pagination: Pagination }))
export const SessionEventEntry = lazySchema(() => z.object({ turn_id: z.string(), event: RecordedTurnEvent }))
export const ListSessionEventsResponse = lazySchema(() =>
  z.object({ data: z.array(SessionEventEntry), pagination: Pagination }),
)

export type Session = z.infer<typeof Session>
export type Turn = z.infer<typeof Turn>
export type TurnState = z.infer<typeof TurnState>
export type TurnDoneState = z.infer<typeof TurnDoneState>
export type TurnInputItem = z.infer<typeof TurnInputItem>
export type CreateTurnRequest = z.infer<typeof CreateTurnRequest>
export type ToolCall = z.infer<typeof ToolCall>
export type ToolCallDelta = z.infer<typeof ToolCallDelta>
export type ToolInfo = z.infer<typeof ToolInfo>
export type ModelUsage = z.infer<typeof ModelUsage>
export type ModelMessageEvent = z.infer<typeof ModelMessageEvent>
export type ModelMessageDeltaEvent = z.infer<typeof ModelMessageDeltaEvent>
export type RequiredAction = z.infer<typeof RequiredAction>
export type TurnStreamingEvent = z.infer<typeof TurnStreamingEvent>
export type TurnEvent = z.infer<typeof TurnEvent>
export type RecordedTurnEvent = z.infer<typeof RecordedTurnEvent>
