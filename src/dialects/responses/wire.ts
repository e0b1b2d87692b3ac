// zod schemas of the Responses wire, one per schema in specs/responses.yaml and named the same.
// test/types/wire-types.ts checks each against the generated types, so the two cannot drift apart.
import { z } from 'zod'
import { lazySchema } from '../../core/lazy-schema.js'

const int = () => z.number().int()
const nullable = <T extends z.ZodType>(schema: T) => schema.nullable()

// biome-ignore lint/suspicious/noShadowRestrictedNames: the spec names this schema Error, and wire.ts keeps spec names.
export const Error = lazySchema(() =>
  z.object({
    message: z.string(),
    type: z.string(),
    param: z.string().nullable(),
    code: z.string().nullable(),
  }),
)
export const ErrorResponse = lazySchema(() => z.object({ error: Error }))

export const Metadata = lazySchema(() =>
  z
    .record(z.string().max(64), z.string().max(512))
    .refine((m) => Object.keys(m).length <= 16, { message: 'metadata holds at most 16 pairs' }),
)

export const MessagePhase = lazySchema(() => z.enum(['commentary', 'final_answer']))
export const ItemStatus = lazySchema(() => z.enum(['in_progress', 'completed', 'incomplete']))
export const ResponseStatus = lazySchema(() =>
  z.enum(['completed', 'failed', 'in_progress', 'cancelled', 'queued', 'incomplete']),
)

export const InputTextContent = lazySchema(() => z.object({ type: z.literal('input_text'), text: z.string() }))
export const InputImageContent = lazySchema(() =>
  z.object({
    type: z.literal('input_image'),
    image_url: z.string().nullable().optional(),
    file_id: z.string().nullable().optional(),
    detail: z.enum(['low', 'high', 'auto', 'original']).optional(),
  }),
)
export const InputFileContent = lazySchema(() =>
  z.object({
    type: z.literal('input_file'),
    file_id: z.string().nullable().optional(),
    file_url: z.string().optional(),
    file_data: z.string().optional(),
    filename: z.string().optional(),
  }),
)
export const TopLogProb = lazySchema(() => z.object({ token: z.string(), logprob: z.number(), bytes: z.array(int()) }))
export const LogProb = lazySchema(() =>
  z.object({
    token: z.string(),
    logprob: z.number(),
    bytes: z.array(int()),
    top_logprobs: z.array(TopLogProb),
  }),
)
export const ResponseLogProb = lazySchema(() =>
  z.object({
    token: z.string(),
    logprob: z.number(),
    top_logprobs: z.array(z.object({ token: z.string().optional(), logprob: z.number().optional() })).optional(),
  }),
)
export const Annotation = lazySchema(() =>
  z.looseObject({
    type: z.enum(['file_citation', 'url_citation', 'container_file_citation', 'file_path']),
  }),
)
export const OutputTextContent = lazySchema(() =>
  z.object({
    type: z.literal('output_text'),
    text: z.string(),
    annotations: z.array(Annotation),
    logprobs: z.array(LogProb),
  }),
)
/** Output text replayed as input: its log probabilities are not read, so not held to LogProb. */
export const OutputTextContentParam = lazySchema(() =>
  z.object({
    type: z.literal('output_text'),
    text: z.string(),
    annotations: z.array(Annotation),
    logprobs: z.array(z.record(z.string(), z.unknown())).optional(),
  }),
)
export const RefusalContent = lazySchema(() => z.object({ type: z.literal('refusal'), refusal: z.string() }))
export const ReasoningTextContent = lazySchema(() => z.object({ type: z.literal('reasoning_text'), text: z.string() }))
export const SummaryTextContent = lazySchema(() => z.object({ type: z.literal('summary_text'), text: z.string() }))

export const InputContent = lazySchema(() =>
  z.discriminatedUnion('type', [
    InputTextContent,
    InputImageContent,
    InputFileContent,
    OutputTextContentParam,
    RefusalContent,
  ]),
)
export const OutputMessageContent = lazySchema(() => z.discriminatedUnion('type', [OutputTextContent, RefusalContent]))
export const OutputContent = lazySchema(() =>
  z.discriminatedUnion('type', [OutputTextContent, RefusalContent, ReasoningTextContent]),
)

export const EasyInputMessage = lazySchema(() =>
  z.object({
    type: z.literal('message').optional(),
    role: z.enum(['user', 'assistant', 'system', 'developer']),
    content: z.union([z.string(), z.array(InputContent)]),
    phase: MessagePhase.nullable().optional(),
  }),
)
export const OutputMessage = lazySchema(() =>
  z.object({
    id: z.string(),
    type: z.literal('message'),
    role: z.literal('assistant'),
    content: z.array(OutputMessageContent),
    phase: MessagePhase.nullable().optional(),
    status: ItemStatus,
  }),
)
export const FunctionToolCall = lazySchema(() =>
  z.object({
    id: z.string().optional(),
    type: z.literal('function_call'),
    call_id: z.string(),
    name: z.string(),
    arguments: z.string(),
    status: ItemStatus.optional(),
  }),
)
export const FunctionCallOutputItemParam = lazySchema(() =>
  z.object({
    type: z.literal('function_call_output'),
    id: z.string().nullable().optional(),
    call_id: z.string().min(1).max(64),
    output: z.union([z.string(), z.array(InputContent)]),
    status: ItemStatus.nullable().optional(),
  }),
)
export const MCPApprovalResponse = lazySchema(() =>
  z.object({
    type: z.literal('mcp_approval_response'),
    id: z.string().nullable().optional(),
    approval_request_id: z.string(),
    approve: z.boolean(),
    reason: z.string().nullable().optional(),
  }),
)
export const ReasoningItem = lazySchema(() =>
  z.object({
    type: z.literal('reasoning'),
    id: z.string(),
    encrypted_content: z.string().nullable().optional(),
    summary: z.array(SummaryTextContent),
    content: z.array(ReasoningTextContent).optional(),
    status: ItemStatus.optional(),
  }),
)
export const ItemReferenceParam = lazySchema(() =>
  z.object({
    type: z.literal('item_reference').nullable().optional(),
    id: z.string(),
  }),
)
export const InputItem = lazySchema(() =>
  z.union([
    EasyInputMessage,
    OutputMessage,
    FunctionToolCall,
    FunctionCallOutputItemParam,
    MCPApprovalResponse,
    ReasoningItem,
    ItemReferenceParam,
  ]),
)

export const FunctionToolParam = lazySchema(() =>
  z.object({
    type: z.literal('function'),
    name: z.string(),
    description: z.string().nullable().optional(),
    parameters: z.record(z.string(), z.unknown()).nullable().optional(),
    strict: z.boolean().nullable().optional(),
  }),
)
/** As a Response echoes it: `parameters` and `strict` always present. */
export const FunctionTool = lazySchema(() =>
  z.object({
    type: z.literal('function'),
    name: z.string(),
    description: z.string().nullable().optional(),
    parameters: z.record(z.string(), z.unknown()).nullable(),
    strict: z.boolean().nullable(),
  }),
)
export const Tool = FunctionTool
export const ToolChoiceOptions = lazySchema(() => z.enum(['none', 'auto', 'required']))
export const ToolChoiceFunction = lazySchema(() => z.object({ type: z.literal('function'), name: z.string() }))
export const ToolChoiceAllowed = lazySchema(() =>
  z.object({
    type: z.literal('allowed_tools'),
    mode: z.enum(['auto', 'required']),
    tools: z.array(z.record(z.string(), z.unknown())),
  }),
)
export const ToolChoice = lazySchema(() => z.union([ToolChoiceOptions, ToolChoiceFunction, ToolChoiceAllowed]))

export const ResponseStreamOptions = lazySchema(() => z.object({ include_obfuscation: z.boolean().optional() }))

export const CreateResponse = lazySchema(() =>
  z.object({
    model: z.string().optional(),
    input: z.union([z.string(), z.array(InputItem)]).optional(),
    instructions: z.string().nullable().optional(),
    previous_response_id: z.string().nullable().optional(),
    stream: z.boolean().nullable().optional(),
    stream_options: ResponseStreamOptions.nullable().optional(),
    background: z.boolean().nullable().optional(),
    store: z.boolean().nullable().optional(),
    tools: z.array(FunctionToolParam).optional(),
    tool_choice: ToolChoice.optional(),
    parallel_tool_calls: z.boolean().nullable().optional(),
    metadata: Metadata.nullable().optional(),
    max_output_tokens: int().nullable().optional(),
    temperature: z.number().min(0).max(2).nullable().optional(),
    top_p: z.number().min(0).max(1).nullable().optional(),
    user: z.string().optional(),
  }),
)

export const MCPToolCallStatus = lazySchema(() =>
  z.enum(['in_progress', 'completed', 'incomplete', 'calling', 'failed']),
)
export const MCPToolExecutionError = lazySchema(() =>
  z.object({ type: z.literal('mcp_tool_execution_error'), content: z.unknown() }),
)
export const MCPToolCall = lazySchema(() =>
  z.object({
    type: z.literal('mcp_call'),
    id: z.string(),
    server_label: z.string(),
    name: z.string(),
    arguments: z.string(),
    output: z.string().nullable().optional(),
    error: MCPToolExecutionError.nullable().optional(),
    status: MCPToolCallStatus.optional(),
    approval_request_id: z.string().nullable().optional(),
  }),
)
export const MCPApprovalRequest = lazySchema(() =>
  z.object({
    type: z.literal('mcp_approval_request'),
    id: z.string(),
    server_label: z.string(),
    name: z.string(),
    arguments: z.string(),
  }),
)
export const OutputItem = lazySchema(() =>
  z.discriminatedUnion('type', [OutputMessage, FunctionToolCall, ReasoningItem, MCPToolCall, MCPApprovalRequest]),
)

export const ResponseErrorCode = lazySchema(() =>
  z.enum([
    'server_error',
    'rate_limit_exceeded',
    'invalid_prompt',
    'data_residency_mismatch',
    'bio_policy',
    'vector_store_timeout',
    'invalid_image',
    'invalid_image_format',
    'invalid_base64_image',
    'invalid_image_url',
    'image_too_large',
    'image_too_small',
    'image_parse_error',
    'image_content_policy_violation',
    'invalid_image_mode',
    'image_file_too_large',
    'unsupported_image_media_type',
    'empty_image_file',
    'failed_to_download_image',
    'image_file_not_found',
  ]),
)
export const ResponseError = lazySchema(() => z.object({ code: ResponseErrorCode, message: z.string() }))
export const IncompleteDetails = lazySchema(() =>
  z.object({ reason: z.enum(['max_output_tokens', 'content_filter']).optional() }),
)
export const ResponseUsage = lazySchema(() =>
  z.object({
    input_tokens: int(),
    input_tokens_details: z.object({ cached_tokens: int(), cache_write_tokens: int() }),
    output_tokens: int(),
    output_tokens_details: z.object({ reasoning_tokens: int() }),
    total_tokens: int(),
  }),
)

export const Response = lazySchema(() =>
  z.object({
    id: z.string(),
    object: z.literal('response'),
    created_at: z.number(),
    completed_at: z.number().nullable().optional(),
    status: ResponseStatus,
    background: z.boolean().nullable().optional(),
    error: nullable(ResponseError),
    incomplete_details: nullable(IncompleteDetails),
    instructions: z.string().nullable(),
    model: z.string(),
    output: z.array(OutputItem),
    parallel_tool_calls: z.boolean(),
    previous_response_id: z.string().nullable().optional(),
    tool_choice: ToolChoice,
    tools: z.array(Tool),
    metadata: Metadata.nullable(),
    temperature: z.number().min(0).max(2).nullable(),
    top_p: z.number().min(0).max(1).nullable(),
    store: z.boolean().optional(),
    usage: ResponseUsage.optional(),
  }),
)
export const DeleteResponseResult = lazySchema(() =>
  z.object({ id: z.string(), object: z.literal('response'), deleted: z.boolean() }),
)

const event = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), sequence_number: int(), ...shape })

const withResponse = { response: Response }
const itemEvent = { output_index: int(), item: OutputItem }
const partEvent = { item_id: z.string(), output_index: int(), content_index: int(), part: OutputContent }
const itemRef = { item_id: z.string(), output_index: int() }
const contentRef = { ...itemRef, content_index: int() }
const summaryRef = { ...itemRef, summary_index: int() }

export const ResponseCreatedEvent = lazySchema(() => event('response.created', withResponse))
export const ResponseQueuedEvent = lazySchema(() => event('response.queued', withResponse))
export const ResponseInProgressEvent = lazySchema(() => event('response.in_progress', withResponse))
export const ResponseCompletedEvent = lazySchema(() => event('response.completed', withResponse))
export const ResponseFailedEvent = lazySchema(() => event('response.failed', withResponse))
export const ResponseIncompleteEvent = lazySchema(() => event('response.incomplete', withResponse))
export const ResponseOutputItemAddedEvent = lazySchema(() => event('response.output_item.added', itemEvent))
export const ResponseOutputItemDoneEvent = lazySchema(() => event('response.output_item.done', itemEvent))
export const ResponseContentPartAddedEvent = lazySchema(() => event('response.content_part.added', partEvent))
export const ResponseContentPartDoneEvent = lazySchema(() => event('response.content_part.done', partEvent))
export const ResponseTextDeltaEvent = lazySchema(() =>
  event('response.output_text.delta', {
    ...contentRef,
    delta: z.string(),
    logprobs: z.array(ResponseLogProb),
    obfuscation: z.string().optional(),
  }),
)
export const ResponseTextDoneEvent = lazySchema(() =>
  event('response.output_text.done', {
    ...contentRef,
    text: z.string(),
    logprobs: z.array(ResponseLogProb),
  }),
)
export const ResponseRefusalDeltaEvent = lazySchema(() =>
  event('response.refusal.delta', { ...contentRef, delta: z.string() }),
)
export const ResponseRefusalDoneEvent = lazySchema(() =>
  event('response.refusal.done', { ...contentRef, refusal: z.string() }),
)
export const ResponseFunctionCallArgumentsDeltaEvent = lazySchema(() =>
  event('response.function_call_arguments.delta', {
    ...itemRef,
    delta: z.string(),
  }),
)
export const ResponseFunctionCallArgumentsDoneEvent = lazySchema(() =>
  event('response.function_call_arguments.done', {
    ...itemRef,
    name: z.string(),
    arguments: z.string(),
  }),
)
export const ResponseReasoningTextDeltaEvent = lazySchema(() =>
  event('response.reasoning_text.delta', {
    ...contentRef,
    delta: z.string(),
  }),
)
export const ResponseReasoningTextDoneEvent = lazySchema(() =>
  event('response.reasoning_text.done', { ...contentRef, text: z.string() }),
)
export const ResponseReasoningSummaryTextDeltaEvent = lazySchema(() =>
  event('response.reasoning_summary_text.delta', {
    ...summaryRef,
    delta: z.string(),
  }),
)
export const ResponseReasoningSummaryTextDoneEvent = lazySchema(() =>
  event('response.reasoning_summary_text.done', {
    ...summaryRef,
    text: z.string(),
  }),
)
export const ResponseMCPCallArgumentsDeltaEvent = lazySchema(() =>
  event('response.mcp_call_arguments.delta', {
    ...itemRef,
    delta: z.string(),
  }),
)
export const ResponseMCPCallArgumentsDoneEvent = lazySchema(() =>
  event('response.mcp_call_arguments.done', {
    ...itemRef,
    arguments: z.string(),
  }),
)
export const ResponseMCPCallInProgressEvent = lazySchema(() => event('response.mcp_call.in_progress', itemRef))
export const ResponseMCPCallCompletedEvent = lazySchema(() => event('response.mcp_call.completed', itemRef))
export const ResponseMCPCallFailedEvent = lazySchema(() => event('response.mcp_call.failed', itemRef))
export const ResponseErrorEvent = lazySchema(() =>
  event('error', {
    code: z.string().nullable(),
    message: z.string(),
    param: z.string().nullable(),
  }),
)

export const ResponseStreamEvent = lazySchema(() =>
  z.discriminatedUnion('type', [
    ResponseCreatedEvent,
    ResponseQueuedEvent,
    ResponseInProgressEvent,
    ResponseCompletedEvent,
    ResponseFailedEvent,
    ResponseIncompleteEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseRefusalDeltaEvent,
    ResponseRefusalDoneEvent,
    ResponseFunctionCallArgumentsDeltaEvent,
    ResponseFunctionCallArgumentsDoneEvent,
    ResponseReasoningTextDeltaEvent,
    ResponseReasoningTextDoneEvent,
    ResponseReasoningSummaryTextDeltaEvent,
    ResponseReasoningSummaryTextDoneEvent,
    ResponseMCPCallArgumentsDeltaEvent,
    ResponseMCPCallArgumentsDoneEvent,
    ResponseMCPCallInProgressEvent,
    ResponseMCPCallCompletedEvent,
    ResponseMCPCallFailedEvent,
    ResponseErrorEvent,
  ]),
)

export const Model = lazySchema(() =>
  z.object({ id: z.string(), object: z.literal('model'), created: int(), owned_by: z.string() }),
)
export const ListModelsResponse = lazySchema(() => z.object({ object: z.literal('list'), data: z.array(Model) }))

export type CreateResponse = z.infer<typeof CreateResponse>
export type InputItem = z.infer<typeof InputItem>
export type InputContent = z.infer<typeof InputContent>
export type Response = z.infer<typeof Response>
export type OutputItem = z.infer<typeof OutputItem>
export type OutputMessage = z.infer<typeof OutputMessage>
export type FunctionToolCall = z.infer<typeof FunctionToolCall>
export type MCPToolCall = z.infer<typeof MCPToolCall>
export type MCPApprovalRequest = z.infer<typeof MCPApprovalRequest>
export type ReasoningItem = z.infer<typeof ReasoningItem>
export type ResponseUsage = z.infer<typeof ResponseUsage>
export type ResponseStreamEvent = z.infer<typeof ResponseStreamEvent>
export type ResponseStreamEventType = ResponseStreamEvent['type']
export type FunctionTool = z.infer<typeof FunctionTool>
export type FunctionToolParam = z.infer<typeof FunctionToolParam>
export type ToolChoice = z.infer<typeof ToolChoice>
export type ErrorResponse = z.infer<typeof ErrorResponse>
export type ResponseErrorCode = z.infer<typeof ResponseErrorCode>
export type Model = z.infer<typeof Model>
