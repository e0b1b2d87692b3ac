import { z } from 'zod'
import { Message, Phase, Role } from './message.js'
import { Ext, Part } from './part.js'
import { ToolInfo } from './tool.js'
import { lazySchema } from './lazy-schema.js'

/** Fields any event may carry: which agent in a tree produced it, and dialect extras. */
const common = {
  executionId: z.string().optional(),
  ext: Ext.optional(),
}

export const RunError = lazySchema(() =>
  z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
)
export type RunError = z.infer<typeof RunError>

export const Artifact = lazySchema(() =>
  z.object({
    artifactId: z.string(),
    name: z.string().optional(),
    description: z.string().optional(),
    parts: z.array(Part),
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
)
export type Artifact = z.infer<typeof Artifact>

export const RunCreated = lazySchema(() =>
  z.object({
    type: z.literal('run.created'),
    contextId: z.string(),
    agentId: z.string(),
    /** Unix epoch milliseconds. */
    createdAt: z.number(),
    background: z.boolean().optional(),
    ...common,
  }),
)

/** The paused states end a turn; `working` starts (or resumes) one. */
export const ActiveStatus = lazySchema(() => z.enum(['working', 'input_required', 'auth_required']))
export type ActiveStatus = z.infer<typeof ActiveStatus>

export const RunStatusChanged = lazySchema(() =>
  z.object({
    type: z.literal('run.status'),
    status: ActiveStatus,
    message: Message.optional(),
    ...common,
  }),
)

export const MessageStarted = lazySchema(() =>
  z.object({
    type: z.literal('message.started'),
    messageId: z.string(),
    role: Role,
    phase: Phase.optional(),
    ...common,
  }),
)

/** `refusal`: the model declines (Responses' refusal content, TrueFoundry's and Orq's `refusal`). */
export const Channel = lazySchema(() => z.enum(['output', 'reasoning', 'refusal']))
export type Channel = z.infer<typeof Channel>

export const MessageDelta = lazySchema(() =>
  z.object({
    type: z.literal('message.delta'),
    messageId: z.string(),
    delta: z.string(),
    channel: Channel,
    ...common,
  }),
)

export const MessageCompleted = lazySchema(() =>
  z.object({
    type: z.literal('message.completed'),
    message: Message,
    ...common,
  }),
)

export const ToolCallStarted = lazySchema(() =>
  z.object({
    type: z.literal('tool.call.started'),
    callId: z.string(),
    name: z.string(),
    tool: ToolInfo.optional(),
    ...common,
  }),
)

export const ToolCallDelta = lazySchema(() =>
  z.object({
    type: z.literal('tool.call.delta'),
    callId: z.string(),
    delta: z.string(),
    ...common,
  }),
)

export const ToolCallCompleted = lazySchema(() =>
  z.object({
    type: z.literal('tool.call.completed'),
    callId: z.string(),
    name: z.string(),
    /** The full arguments as a JSON string, byte for byte as the agent produced them. */
    arguments: z.string(),
    tool: ToolInfo.optional(),
    ...common,
  }),
)

export const ToolResultProduced = lazySchema(() =>
  z.object({
    type: z.literal('tool.result'),
    callId: z.string(),
    output: z.union([z.string(), z.array(Part)]),
    isError: z.boolean().optional(),
    ...common,
  }),
)

export const InterruptReason = lazySchema(() => z.enum(['approval', 'client_tool', 'input', 'auth']))
export type InterruptReason = z.infer<typeof InterruptReason>

export const InterruptRaised = lazySchema(() =>
  z.object({
    type: z.literal('interrupt'),
    interruptId: z.string(),
    reason: InterruptReason,
    /** Tool calls waiting on this interrupt (client tools to run, calls to approve). */
    callIds: z.array(z.string()),
    /** What to tell the human: the question, the approval prompt, the auth instructions. */
    message: Message.optional(),
    /** The agent's own interrupt type name, when it has one (ACP `interrupt_type`). */
    interruptType: z.string().optional(),
    payload: z.unknown().optional(),
    payloadSchema: z.record(z.string(), z.unknown()).optional(),
    resumeSchema: z.record(z.string(), z.unknown()).optional(),
    ...common,
  }),
)

export const ArtifactDelta = lazySchema(() =>
  z.object({
    type: z.literal('artifact.delta'),
    artifactId: z.string(),
    name: z.string().optional(),
    description: z.string().optional(),
    parts: z.array(Part),
    /** Append these parts to the artifact sent so far; false starts (or replaces) it. */
    append: z.boolean(),
    lastChunk: z.boolean(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    ...common,
  }),
)

export const ArtifactCompleted = lazySchema(() =>
  z.object({
    type: z.literal('artifact.completed'),
    artifact: Artifact,
    ...common,
  }),
)

export const AgentStarted = lazySchema(() =>
  z.object({
    type: z.literal('agent.started'),
    /** The sub-agent's own execution id; its events carry it as `executionId`. */
    executionId: z.string(),
    parentExecutionId: z.string().optional(),
    /** The tool call through which the parent spawned it. */
    callId: z.string().optional(),
    name: z.string(),
    input: z.unknown().optional(),
    ext: Ext.optional(),
  }),
)

export const AgentCompleted = lazySchema(() =>
  z.object({
    type: z.literal('agent.completed'),
    executionId: z.string(),
    name: z.string().optional(),
    output: Message.optional(),
    error: RunError.optional(),
    ext: Ext.optional(),
  }),
)

/** Token counts; successive `usage` events add up. */
export const UsageReported = lazySchema(() =>
  z.object({
    type: z.literal('usage'),
    inputTokens: z.number().int().nonnegative(),
    outputTokens: z.number().int().nonnegative(),
    reasoningTokens: z.number().int().nonnegative().optional(),
    /** Input tokens read from the provider's prompt cache. */
    cachedTokens: z.number().int().nonnegative().optional(),
    /** Input tokens written to the prompt cache (TrueFoundry, Orq). */
    cacheWriteTokens: z.number().int().nonnegative().optional(),
    /** What the tokens cost, in US dollars, where the upstream says (TrueFoundry, Orq). */
    costUsd: z.number().nonnegative().optional(),
    ...common,
  }),
)

export const RunCompleted = lazySchema(() =>
  z.object({
    type: z.literal('run.completed'),
    output: z.array(Message).optional(),
    /** Set when the agent stopped early (token limit, content filter) but the run still succeeded. */
    incomplete: z.object({ reason: z.string() }).optional(),
    /** The agent answered with its message alone and kept no task of its own (an A2A `Message` reply). */
    direct: z.boolean().optional(),
    ...common,
  }),
)

export const RunFailed = lazySchema(() =>
  z.object({
    type: z.literal('run.failed'),
    error: RunError,
    ...common,
  }),
)

export const RunCanceled = lazySchema(() =>
  z.object({
    type: z.literal('run.canceled'),
    reason: z.string().optional(),
    ...common,
  }),
)

/**
 * An upstream event of a type the bridge has no meaning for (a newer Responses event, a server's own stream data):
 * kept rather than dropped, under the upstream's name for it, with its data in `ext` keyed by the upstream's dialect.
 * Faces that cannot show it declare so in their loss tables; the run log and ACP's `custom` mode keep it.
 */
export const UpstreamEvent = lazySchema(() =>
  z.object({
    type: z.literal('upstream.event'),
    name: z.string(),
    ...common,
  }),
)

/** What an AgentBackend yields: an event before the bridge stamps it with run id, seq and time. */
export const AgentEvent = lazySchema(() =>
  z.discriminatedUnion('type', [
    RunCreated,
    RunStatusChanged,
    MessageStarted,
    MessageDelta,
    MessageCompleted,
    ToolCallStarted,
    ToolCallDelta,
    ToolCallCompleted,
    ToolResultProduced,
    InterruptRaised,
    ArtifactDelta,
    ArtifactCompleted,
    AgentStarted,
    AgentCompleted,
    UsageReported,
    UpstreamEvent,
    RunCompleted,
    RunFailed,
    RunCanceled,
  ]),
)
export type AgentEvent = z.infer<typeof AgentEvent>
export type RunEventType = AgentEvent['type']

/** What the RunStore adds when it appends an event to a run's log. */
export const EventStamp = lazySchema(() =>
  z.object({
    runId: z.string(),
    /** Strictly increasing per run, starting at 1. */
    seq: z.number().int().positive(),
    /** Unix epoch milliseconds when the event was logged. */
    time: z.number(),
  }),
)
export type EventStamp = z.infer<typeof EventStamp>

export const RunEvent = lazySchema(() => z.intersection(AgentEvent, EventStamp))
export type RunEvent = AgentEvent & EventStamp

export type EventOf<T extends RunEventType, E extends AgentEvent = RunEvent> = Extract<E, { type: T }>

export const TERMINAL_EVENTS = ['run.completed', 'run.failed', 'run.canceled'] as const
export type TerminalEvent = EventOf<(typeof TERMINAL_EVENTS)[number], AgentEvent>

/**
 * Whether an event of this type ends the run. Asked of every event on its way into the log, so spelled out (three
 * comparisons, not a call to Array.prototype.includes) and asked of a type read once: reading `type` off events of
 * every shape is a slow generic load each time.
 */
export const isTerminalType = (type: string): type is TerminalEvent['type'] =>
  type === 'run.completed' || type === 'run.failed' || type === 'run.canceled'

export const isTerminal = (e: AgentEvent): e is TerminalEvent => isTerminalType(e.type)

/** A turn ends when the run finishes or pauses for input; `auth_required` alone keeps the turn open. */
export const endsTurn = (e: AgentEvent): boolean => {
  const type = e.type
  return isTerminalType(type) || (type === 'run.status' && (e as { status?: string }).status === 'input_required')
}

/** The turn ended or waits on the client (input or auth): a blocking call can answer now. */
export const settlesTurn = (e: AgentEvent): boolean =>
  endsTurn(e) || (e.type === 'run.status' && e.status === 'auth_required')
