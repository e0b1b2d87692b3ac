// zod schemas of the ACP (AGNTCY Agent Connect Protocol v0.2.3) wire, one per schema in specs/acp.yaml and named the
// same. test/types/wire-types.ts checks each against the generated types, so the two cannot drift apart.
//
// Objects strip unknown keys, except MessageAnyBlock, whose other fields are the block's content. Ids and timestamps
// are plain strings (the spec's uuid and date-time formats are not enforced on input). Payloads whose shape only the
// agent's descriptor knows (input, values, config, thread state, interrupt and resume payloads) are any JSON value but
// null. RunOutput and the stream's data are discriminated by `type`. Protocol defaults are left to the reader: no
// field here gets a default.
import { z } from 'zod'
import { lazySchema } from '../../core/lazy-schema.js'

const int = () => z.number().int()
const struct = () => z.record(z.string(), z.unknown())
/** Any JSON value but null. */
const payload = () => z.union([struct(), z.string(), z.number(), z.boolean(), z.array(z.unknown())])

/** The SSE event name of every ACP stream event; what happened is in `data.type`. */
export const ACP_EVENT = 'agent_event'

export const ErrorResponse = lazySchema(() => z.string())

// ── Opaque payloads ──────────────────────────────────────────────────────────────────────────────────────────

export const InputSchema = lazySchema(() => payload())
export const OutputSchema = lazySchema(() => payload())
export const ConfigSchema = lazySchema(() => payload())
export const ThreadStateSchema = lazySchema(() => payload())
export const InterruptPayloadSchema = lazySchema(() => payload())
export const ResumePayloadSchema = lazySchema(() => payload())
export const StreamUpdateSchema = lazySchema(() => struct())

// ── Agents ───────────────────────────────────────────────────────────────────────────────────────────────────

export const AgentRef = lazySchema(() =>
  z.object({ name: z.string(), version: z.string(), url: z.string().optional() }),
)
export const AgentMetadata = lazySchema(() => z.object({ ref: AgentRef, description: z.string() }))
export const Agent = lazySchema(() => z.object({ agent_id: z.string(), metadata: AgentMetadata }))
export const AgentSearchRequest = lazySchema(() =>
  z.object({
    name: z.string().optional(),
    version: z.string().optional(),
    limit: int().min(1).max(1000).optional(),
    offset: int().min(0).optional(),
  }),
)
export const AgentACPSpec = lazySchema(() =>
  z.object({
    capabilities: z.object({
      threads: z.boolean().optional(),
      interrupts: z.boolean().optional(),
      callbacks: z.boolean().optional(),
      streaming: z.object({ values: z.boolean().optional(), custom: z.boolean().optional() }).optional(),
    }),
    input: struct(),
    output: struct(),
    custom_streaming_update: struct().optional(),
    thread_state: struct().optional(),
    config: struct(),
    interrupts: z
      .array(z.object({ interrupt_type: z.string(), interrupt_payload: struct(), resume_payload: struct() }))
      .optional(),
  }),
)
export const AgentACPDescriptor = lazySchema(() => z.object({ metadata: AgentMetadata, specs: AgentACPSpec }))

// ── Messages ─────────────────────────────────────────────────────────────────────────────────────────────────

export const MessageTextBlock = lazySchema(() =>
  z.object({ text: z.string(), type: z.literal('text'), metadata: struct().optional() }),
)
/** Any other content block; its other fields are kept. */
export const MessageAnyBlock = lazySchema(() => z.looseObject({ type: z.string(), metadata: struct().optional() }))
export const Message = lazySchema(() =>
  z.object({
    role: z.string(),
    content: z.union([z.string(), z.array(z.union([MessageTextBlock, MessageAnyBlock]))]),
    id: z.string().optional(),
    metadata: struct().optional(),
  }),
)

// ── Runs ─────────────────────────────────────────────────────────────────────────────────────────────────────

export const StreamingMode = lazySchema(() => z.enum(['values', 'custom']))
export const RunStatus = lazySchema(() => z.enum(['pending', 'error', 'success', 'timeout', 'interrupted']))

export const Config = lazySchema(() =>
  z.object({
    tags: z.array(z.string()).optional(),
    recursion_limit: int().optional(),
    configurable: ConfigSchema.optional(),
  }),
)
export const RunCreate = lazySchema(() =>
  z.object({
    agent_id: z.string().optional(),
    input: InputSchema.optional(),
    metadata: struct().optional(),
    config: Config.optional(),
    webhook: z.string().min(1).max(65536).optional(),
    stream_mode: z.union([z.array(StreamingMode), StreamingMode, z.null()]).optional(),
    on_disconnect: z.enum(['cancel', 'continue']).optional(),
    multitask_strategy: z.enum(['reject', 'rollback', 'interrupt', 'enqueue']).optional(),
    after_seconds: int().optional(),
  }),
)
export const RunCreateStateless = lazySchema(() =>
  RunCreate.extend({ on_completion: z.enum(['delete', 'keep']).optional() }),
)
export const RunCreateStateful = lazySchema(() =>
  RunCreate.extend({
    stream_subgraphs: z.boolean().optional(),
    if_not_exists: z.enum(['create', 'reject']).optional(),
  }),
)

export const Run = lazySchema(() =>
  z.object({
    run_id: z.string(),
    thread_id: z.string().optional(),
    agent_id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    status: RunStatus,
  }),
)
export const RunStateless = lazySchema(() => Run.extend({ creation: RunCreateStateless }))
export const RunStateful = lazySchema(() => Run.extend({ creation: RunCreateStateful }))
export const RunSearchRequest = lazySchema(() =>
  z.object({
    agent_id: z.string().optional(),
    status: RunStatus.optional(),
    metadata: struct().optional(),
    limit: int().min(1).max(1000).optional(),
    offset: int().min(0).optional(),
  }),
)

// ── Run output ───────────────────────────────────────────────────────────────────────────────────────────────

export const RunResult = lazySchema(() =>
  z.object({
    type: z.literal('result'),
    values: OutputSchema.optional(),
    messages: z.array(Message).optional(),
  }),
)
export const RunInterrupt = lazySchema(() =>
  z.object({ type: z.literal('interrupt'), interrupt: InterruptPayloadSchema }),
)
export const RunError = lazySchema(() =>
  z.object({
    type: z.literal('error'),
    run_id: z.string(),
    errcode: int(),
    description: z.string(),
  }),
)
export const RunOutput = lazySchema(() => z.discriminatedUnion('type', [RunResult, RunInterrupt, RunError]))
export const RunWaitResponseStateless = lazySchema(() =>
  z.object({ run: RunStateless.optional(), output: RunOutput.optional() }),
)
export const RunWaitResponseStateful = lazySchema(() =>
  z.object({ run: RunStateful.optional(), output: RunOutput.optional() }),
)

// ── Stream ───────────────────────────────────────────────────────────────────────────────────────────────────

export const ValueRunResultUpdate = lazySchema(() =>
  z.object({
    type: z.literal('values'),
    run_id: z.string(),
    status: RunStatus,
    values: OutputSchema,
    messages: z.array(Message).optional(),
  }),
)
export const CustomRunResultUpdate = lazySchema(() =>
  z.object({
    type: z.literal('custom'),
    run_id: z.string().optional(),
    status: RunStatus,
    update: StreamUpdateSchema,
  }),
)
export const ValueRunInterruptUpdate = lazySchema(() => RunInterrupt.extend({ run_id: z.string(), status: RunStatus }))
export const ValueRunErrorUpdate = lazySchema(() => RunError.extend({ status: RunStatus }))
/** The JSON of one event's `data` line. */
export const RunOutputStreamData = lazySchema(() =>
  z.discriminatedUnion('type', [
    ValueRunResultUpdate,
    CustomRunResultUpdate,
    ValueRunInterruptUpdate,
    ValueRunErrorUpdate,
  ]),
)
/** One SSE event: `id:`, `event: agent_event`, `data:` (JSON). */
export const RunOutputStream = lazySchema(() =>
  z.object({ id: z.string(), event: z.literal(ACP_EVENT), data: RunOutputStreamData }),
)

// ── Threads ──────────────────────────────────────────────────────────────────────────────────────────────────

export const ThreadStatus = lazySchema(() => z.enum(['idle', 'busy', 'interrupted', 'error']))
export const ThreadCheckpoint = lazySchema(() => z.object({ checkpoint_id: z.string() }))
export const Thread = lazySchema(() =>
  z.object({
    thread_id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    metadata: struct(),
    status: ThreadStatus,
    values: ThreadStateSchema.optional(),
    messages: z.array(Message).optional(),
  }),
)
export const ThreadCreate = lazySchema(() =>
  z.object({
    thread_id: z.string().optional(),
    metadata: struct().optional(),
    if_exists: z.enum(['raise', 'do_nothing']).optional(),
  }),
)
export const ThreadPatch = lazySchema(() =>
  z.object({
    checkpoint: ThreadCheckpoint.optional(),
    metadata: struct().optional(),
    values: ThreadStateSchema.optional(),
    messages: z.array(Message).optional(),
  }),
)
export const ThreadState = lazySchema(() =>
  z.object({
    checkpoint: ThreadCheckpoint,
    values: ThreadStateSchema,
    messages: z.array(Message).optional(),
    metadata: struct().optional(),
  }),
)
export const ThreadSearchRequest = lazySchema(() =>
  z.object({
    metadata: struct().optional(),
    values: struct().optional(),
    status: ThreadStatus.optional(),
    limit: int().min(1).max(1000).optional(),
    offset: int().min(0).optional(),
  }),
)

export type ErrorResponse = z.infer<typeof ErrorResponse>
export type Agent = z.infer<typeof Agent>
export type AgentMetadata = z.infer<typeof AgentMetadata>
export type AgentRef = z.infer<typeof AgentRef>
export type AgentSearchRequest = z.infer<typeof AgentSearchRequest>
export type AgentACPDescriptor = z.infer<typeof AgentACPDescriptor>
export type AgentACPSpec = z.infer<typeof AgentACPSpec>
export type Message = z.infer<typeof Message>
export type MessageTextBlock = z.infer<typeof MessageTextBlock>
export type MessageAnyBlock = z.infer<typeof MessageAnyBlock>
export type StreamingMode = z.infer<typeof StreamingMode>
export type RunStatus = z.infer<typeof RunStatus>
export type Config = z.infer<typeof Config>
export type RunCreate = z.infer<typeof RunCreate>
export type RunCreateStateless = z.infer<typeof RunCreateStateless>
export type RunCreateStateful = z.infer<typeof RunCreateStateful>
export type Run = z.infer<typeof Run>
export type RunStateless = z.infer<typeof RunStateless>
export type RunStateful = z.infer<typeof RunStateful>
export type RunSearchRequest = z.infer<typeof RunSearchRequest>
export type RunOutput = z.infer<typeof RunOutput>
export type RunResult = z.infer<typeof RunResult>
export type RunInterrupt = z.infer<typeof RunInterrupt>
export type RunError = z.infer<typeof RunError>
export type RunWaitResponseStateless = z.infer<typeof RunWaitResponseStateless>
export type RunWaitResponseStateful = z.infer<typeof RunWaitResponseStateful>
export type RunOutputStream = z.infer<typeof RunOutputStream>
export type RunOutputStreamData = z.infer<typeof RunOutputStreamData>
export type ValueRunResultUpdate = z.infer<typeof ValueRunResultUpdate>
export type CustomRunResultUpdate = z.infer<typeof CustomRunResultUpdate>
export type ValueRunInterruptUpdate = z.infer<typeof ValueRunInterruptUpdate>
export type ValueRunErrorUpdate = z.infer<typeof ValueRunErrorUpdate>
export type Thread = z.infer<typeof Thread>
export type ThreadCreate = z.infer<typeof ThreadCreate>
export type ThreadPatch = z.infer<typeof ThreadPatch>
export type ThreadState = z.infer<typeof ThreadState>
export type ThreadStatus = z.infer<typeof ThreadStatus>
export type ThreadCheckpoint = z.infer<typeof ThreadCheckpoint>
export type ThreadSearchRequest = z.infer<typeof ThreadSearchRequest>
