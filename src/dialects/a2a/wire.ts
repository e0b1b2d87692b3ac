// zod schemas of the A2A wire, one per schema in specs/a2a.yaml and named the same.
// test/types/wire-types.ts checks each against the generated types, so the two cannot drift apart.
//
// v1 (no prefix) is ProtoJSON: camelCase names, enums as full value names, oneofs told apart by which member is
// present. The member-based oneofs (Part, StreamResponse, SendMessageResponse, SecurityScheme, OAuthFlows) are plain
// unions of objects: the first alternative whose member is present wins. v0.3 JSON-RPC shapes carry the prefix V03
// and are tagged by `kind` (security schemes by `type`). Objects strip unknown keys; metadata stays a free object.
import { z } from 'zod'
import { lazySchema } from '../../core/lazy-schema.js'

const int = () => z.number().int()
const struct = () => z.record(z.string(), z.unknown())
const strings = () => z.array(z.string())
const scopes = () => z.record(z.string(), z.string())

export const A2A_PROTOCOL_VERSION = '1.0'
/** The A2A media type: push notification bodies; accepted on requests. */
export const A2A_CONTENT_TYPE = 'application/a2a+json'
/** HTTP+JSON responses and errors (§11.1 says `application/json`; the spec's examples in §6 still show a2a+json). */
export const REST_CONTENT_TYPE = 'application/json'

/** v1 JSON-RPC method names (also the gRPC method names). */
export const V1_METHODS = {
  SendMessage: 'SendMessage',
  SendStreamingMessage: 'SendStreamingMessage',
  GetTask: 'GetTask',
  ListTasks: 'ListTasks',
  CancelTask: 'CancelTask',
  SubscribeToTask: 'SubscribeToTask',
  CreateTaskPushNotificationConfig: 'CreateTaskPushNotificationConfig',
  GetTaskPushNotificationConfig: 'GetTaskPushNotificationConfig',
  ListTaskPushNotificationConfigs: 'ListTaskPushNotificationConfigs',
  DeleteTaskPushNotificationConfig: 'DeleteTaskPushNotificationConfig',
  GetExtendedAgentCard: 'GetExtendedAgentCard',
} as const

/** v0.3 JSON-RPC method names, keyed by the v1 operation they correspond to (v0.3 has no ListTasks over JSON-RPC). */
export const V03_METHODS = {
  SendMessage: 'message/send',
  SendStreamingMessage: 'message/stream',
  GetTask: 'tasks/get',
  CancelTask: 'tasks/cancel',
  SubscribeToTask: 'tasks/resubscribe',
  CreateTaskPushNotificationConfig: 'tasks/pushNotificationConfig/set',
  GetTaskPushNotificationConfig: 'tasks/pushNotificationConfig/get',
  ListTaskPushNotificationConfigs: 'tasks/pushNotificationConfig/list',
  DeleteTaskPushNotificationConfig: 'tasks/pushNotificationConfig/delete',
  GetExtendedAgentCard: 'agent/getAuthenticatedExtendedCard',
} as const

/**
 * JSON-RPC error codes by A2A error name. ExtendedAgentCardNotConfiguredError (-32007) is called
 * AuthenticatedExtendedCardNotConfiguredError in v0.3; ExtensionSupportRequiredError and VersionNotSupportedError are new in v1.
 */
export const JSONRPC_ERROR_CODES = {
  TaskNotFoundError: -32001,
  TaskNotCancelableError: -32002,
  PushNotificationNotSupportedError: -32003,
  UnsupportedOperationError: -32004,
  ContentTypeNotSupportedError: -32005,
  InvalidAgentResponseError: -32006,
  ExtendedAgentCardNotConfiguredError: -32007,
  ExtensionSupportRequiredError: -32008,
  VersionNotSupportedError: -32009,
  JSONParseError: -32700,
  InvalidRequestError: -32600,
  MethodNotFoundError: -32601,
  InvalidParamsError: -32602,
  InternalError: -32603,
} as const

// ── Agent card (v1) ──────────────────────────────────────────────────────────────────────────────────────────

export const AgentInterface = lazySchema(() =>
  z.object({
    url: z.string(),
    protocolBinding: z.string(),
    tenant: z.string().optional(),
    protocolVersion: z.string(),
  }),
)
export const AgentProvider = lazySchema(() => z.object({ url: z.string(), organization: z.string() }))
export const AgentExtension = lazySchema(() =>
  z.object({
    uri: z.string().optional(),
    description: z.string().optional(),
    required: z.boolean().optional(),
    params: struct().optional(),
  }),
)
export const AgentCapabilities = lazySchema(() =>
  z.object({
    streaming: z.boolean().optional(),
    pushNotifications: z.boolean().optional(),
    extensions: z.array(AgentExtension).optional(),
    extendedAgentCard: z.boolean().optional(),
  }),
)
export const StringList = lazySchema(() => z.object({ list: strings().optional() }))
export const SecurityRequirement = lazySchema(() => z.object({ schemes: z.record(z.string(), StringList).optional() }))
export const AgentSkill = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    tags: strings(),
    examples: strings().optional(),
    inputModes: strings().optional(),
    outputModes: strings().optional(),
    securityRequirements: z.array(SecurityRequirement).optional(),
  }),
)
export const AgentCardSignature = lazySchema(() =>
  z.object({
    protected: z.string(),
    signature: z.string(),
    header: struct().optional(),
  }),
)

export const AuthorizationCodeOAuthFlow = lazySchema(() =>
  z.object({
    authorizationUrl: z.string(),
    tokenUrl: z.string(),
    refreshUrl: z.string().optional(),
    scopes: scopes(),
    pkceRequired: z.boolean().optional(),
  }),
)
export const ClientCredentialsOAuthFlow = lazySchema(() =>
  z.object({
    tokenUrl: z.string(),
    refreshUrl: z.string().optional(),
    scopes: scopes(),
  }),
)
/** @deprecated in A2A v1 */
export const ImplicitOAuthFlow = lazySchema(() =>
  z.object({
    authorizationUrl: z.string().optional(),
    refreshUrl: z.string().optional(),
    scopes: scopes().optional(),
  }),
)
/** @deprecated in A2A v1 */
export const PasswordOAuthFlow = lazySchema(() =>
  z.object({
    tokenUrl: z.string().optional(),
    refreshUrl: z.string().optional(),
    scopes: scopes().optional(),
  }),
)
export const DeviceCodeOAuthFlow = lazySchema(() =>
  z.object({
    deviceAuthorizationUrl: z.string(),
    tokenUrl: z.string(),
    refreshUrl: z.string().optional(),
    scopes: scopes(),
  }),
)
export const OAuthFlows = lazySchema(() =>
  z.union([
    z.object({ authorizationCode: AuthorizationCodeOAuthFlow }),
    z.object({ clientCredentials: ClientCredentialsOAuthFlow }),
    z.object({ implicit: ImplicitOAuthFlow }),
    z.object({ password: PasswordOAuthFlow }),
    z.object({ deviceCode: DeviceCodeOAuthFlow }),
  ]),
)

export const APIKeySecurityScheme = lazySchema(() =>
  z.object({
    description: z.string().optional(),
    location: z.string(),
    name: z.string(),
  }),
)
export const HTTPAuthSecurityScheme = lazySchema(() =>
  z.object({
    description: z.string().optional(),
    scheme: z.string(),
    bearerFormat: z.string().optional(),
  }),
)
export const OAuth2SecurityScheme = lazySchema(() =>
  z.object({
    description: z.string().optional(),
    flows: OAuthFlows,
    oauth2MetadataUrl: z.string().optional(),
  }),
)
export const OpenIdConnectSecurityScheme = lazySchema(() =>
  z.object({
    description: z.string().optional(),
    openIdConnectUrl: z.string(),
  }),
)
export const MutualTlsSecurityScheme = lazySchema(() => z.object({ description: z.string().optional() }))
export const SecurityScheme = lazySchema(() =>
  z.union([
    z.object({ apiKeySecurityScheme: APIKeySecurityScheme }),
    z.object({ httpAuthSecurityScheme: HTTPAuthSecurityScheme }),
    z.object({ oauth2SecurityScheme: OAuth2SecurityScheme }),
    z.object({ openIdConnectSecurityScheme: OpenIdConnectSecurityScheme }),
    z.object({ mtlsSecurityScheme: MutualTlsSecurityScheme }),
  ]),
)

export const AgentCard = lazySchema(() =>
  z.object({
    name: z.string(),
    description: z.string(),
    supportedInterfaces: z.array(AgentInterface),
    provider: AgentProvider.optional(),
    version: z.string(),
    documentationUrl: z.string().optional(),
    capabilities: AgentCapabilities,
    securitySchemes: z.record(z.string(), SecurityScheme).optional(),
    securityRequirements: z.array(SecurityRequirement).optional(),
    defaultInputModes: strings(),
    defaultOutputModes: strings(),
    skills: z.array(AgentSkill),
    signatures: z.array(AgentCardSignature).optional(),
    iconUrl: z.string().optional(),
  }),
)

// ── Tasks, messages, parts, artifacts (v1) ───────────────────────────────────────────────────────────────────

export const TaskState = lazySchema(() =>
  z.enum([
    'TASK_STATE_UNSPECIFIED',
    'TASK_STATE_SUBMITTED',
    'TASK_STATE_WORKING',
    'TASK_STATE_COMPLETED',
    'TASK_STATE_FAILED',
    'TASK_STATE_CANCELED',
    'TASK_STATE_INPUT_REQUIRED',
    'TASK_STATE_REJECTED',
    'TASK_STATE_AUTH_REQUIRED',
  ]),
)
export const Role = lazySchema(() => z.enum(['ROLE_UNSPECIFIED', 'ROLE_USER', 'ROLE_AGENT']))

const partCommon = {
  mediaType: z.string().optional(),
  filename: z.string().optional(),
  metadata: struct().optional(),
}
export const TextPart = lazySchema(() => z.object({ text: z.string(), ...partCommon }))
/** `raw` is base64 (ProtoJSON bytes). */
export const RawPart = lazySchema(() => z.object({ raw: z.string(), ...partCommon }))
export const UrlPart = lazySchema(() => z.object({ url: z.string(), ...partCommon }))
/** `data` is any JSON value, null included; the key itself must be present. */
export const DataPart = lazySchema(() => z.object({ data: z.unknown(), ...partCommon }))
/** The v1 Part: one of text, raw, url or data, told apart by which member is present. */
export const Part = lazySchema(() => z.union([TextPart, RawPart, UrlPart, DataPart]))

export const Message = lazySchema(() =>
  z.object({
    messageId: z.string(),
    contextId: z.string().optional(),
    taskId: z.string().optional(),
    role: Role,
    parts: z.array(Part),
    metadata: struct().optional(),
    extensions: strings().optional(),
    referenceTaskIds: strings().optional(),
  }),
)
export const TaskStatus = lazySchema(() =>
  z.object({
    state: TaskState,
    message: Message.optional(),
    timestamp: z.string().optional(),
  }),
)
export const Artifact = lazySchema(() =>
  z.object({
    artifactId: z.string(),
    name: z.string().optional(),
    description: z.string().optional(),
    parts: z.array(Part),
    metadata: struct().optional(),
    extensions: strings().optional(),
  }),
)
export const Task = lazySchema(() =>
  z.object({
    id: z.string(),
    contextId: z.string().optional(),
    status: TaskStatus,
    artifacts: z.array(Artifact).optional(),
    history: z.array(Message).optional(),
    metadata: struct().optional(),
  }),
)
export const TaskStatusUpdateEvent = lazySchema(() =>
  z.object({
    taskId: z.string(),
    contextId: z.string(),
    status: TaskStatus,
    metadata: struct().optional(),
  }),
)
export const TaskArtifactUpdateEvent = lazySchema(() =>
  z.object({
    taskId: z.string(),
    contextId: z.string(),
    artifact: Artifact,
    append: z.boolean().optional(),
    lastChunk: z.boolean().optional(),
    metadata: struct().optional(),
  }),
)
export const StreamResponse = lazySchema(() =>
  z.union([
    z.object({ task: Task }),
    z.object({ message: Message }),
    z.object({ statusUpdate: TaskStatusUpdateEvent }),
    z.object({ artifactUpdate: TaskArtifactUpdateEvent }),
  ]),
)

// ── Requests and responses (v1) ──────────────────────────────────────────────────────────────────────────────

export const AuthenticationInfo = lazySchema(() => z.object({ scheme: z.string(), credentials: z.string().optional() }))
export const TaskPushNotificationConfig = lazySchema(() =>
  z.object({
    tenant: z.string().optional(),
    id: z.string().optional(),
    taskId: z.string().optional(),
    url: z.string(),
    token: z.string().optional(),
    authentication: AuthenticationInfo.optional(),
  }),
)
export const SendMessageConfiguration = lazySchema(() =>
  z.object({
    acceptedOutputModes: strings().optional(),
    taskPushNotificationConfig: TaskPushNotificationConfig.optional(),
    historyLength: int().optional(),
    returnImmediately: z.boolean().optional(),
  }),
)
export const SendMessageRequest = lazySchema(() =>
  z.object({
    tenant: z.string().optional(),
    message: Message,
    configuration: SendMessageConfiguration.optional(),
    metadata: struct().optional(),
  }),
)
export const SendMessageResponse = lazySchema(() => z.union([z.object({ task: Task }), z.object({ message: Message })]))
export const GetTaskRequest = lazySchema(() =>
  z.object({
    tenant: z.string().optional(),
    id: z.string(),
    historyLength: int().optional(),
  }),
)
export const ListTasksRequest = lazySchema(() =>
  z.object({
    tenant: z.string().optional(),
    contextId: z.string().optional(),
    status: TaskState.optional(),
    pageSize: int().optional(),
    pageToken: z.string().optional(),
    historyLength: int().optional(),
    statusTimestampAfter: z.string().optional(),
    includeArtifacts: z.boolean().optional(),
  }),
)
export const ListTasksResponse = lazySchema(() =>
  z.object({
    tasks: z.array(Task),
    nextPageToken: z.string(),
    pageSize: int(),
    totalSize: int(),
  }),
)
export const CancelTaskRequest = lazySchema(() =>
  z.object({
    tenant: z.string().optional(),
    id: z.string(),
    metadata: struct().optional(),
  }),
)
export const SubscribeToTaskRequest = lazySchema(() => z.object({ tenant: z.string().optional(), id: z.string() }))
export const GetTaskPushNotificationConfigRequest = lazySchema(() =>
  z.object({
    tenant: z.string().optional(),
    taskId: z.string(),
    id: z.string(),
  }),
)
export const ListTaskPushNotificationConfigsRequest = lazySchema(() =>
  z.object({
    tenant: z.string().optional(),
    taskId: z.string(),
    pageSize: int().optional(),
    pageToken: z.string().optional(),
  }),
)
export const ListTaskPushNotificationConfigsResponse = lazySchema(() =>
  z.object({
    configs: z.array(TaskPushNotificationConfig).optional(),
    nextPageToken: z.string().optional(),
  }),
)
export const DeleteTaskPushNotificationConfigRequest = lazySchema(() =>
  z.object({
    tenant: z.string().optional(),
    taskId: z.string(),
    id: z.string(),
  }),
)
export const GetExtendedAgentCardRequest = lazySchema(() => z.object({ tenant: z.string().optional() }))

// ── JSON-RPC envelope and errors ─────────────────────────────────────────────────────────────────────────────

type MethodName = (typeof V1_METHODS)[keyof typeof V1_METHODS] | (typeof V03_METHODS)[keyof typeof V03_METHODS]
const jsonrpc = lazySchema(() => z.literal('2.0'))
const id = lazySchema(() => z.union([z.string(), z.number(), z.null()]))

export const JSONRPCRequest = lazySchema(() =>
  z.object({
    jsonrpc,
    id: id.optional(),
    method: z.enum([...Object.values(V1_METHODS), ...Object.values(V03_METHODS)] as [MethodName, ...MethodName[]]),
    params: struct().optional(),
  }),
)
export const JSONRPCSuccessResponse = lazySchema(() => z.object({ jsonrpc, id, result: z.unknown() }))
export const JSONRPCError = lazySchema(() =>
  z.object({ code: int(), message: z.string(), data: z.unknown().optional() }),
)
export const JSONRPCErrorResponse = lazySchema(() => z.object({ jsonrpc, id, error: JSONRPCError }))
export const JSONRPCResponse = lazySchema(() => z.union([JSONRPCSuccessResponse, JSONRPCErrorResponse]))

export const ErrorInfo = lazySchema(() =>
  z.object({
    '@type': z.string(),
    reason: z.string(),
    domain: z.string(),
    metadata: scopes().optional(),
  }),
)
export const A2AErrorResponse = lazySchema(() =>
  z.object({
    error: z.object({
      code: int(),
      status: z.string().optional(),
      message: z.string(),
      details: z.array(z.looseObject({ '@type': z.string() })).optional(),
    }),
  }),
)

// ── v0.3 JSON-RPC shapes ─────────────────────────────────────────────────────────────────────────────────────

export const V03TaskState = lazySchema(() =>
  z.enum([
    'submitted',
    'working',
    'input-required',
    'completed',
    'canceled',
    'failed',
    'rejected',
    'auth-required',
    'unknown',
  ]),
)

export const V03TextPart = lazySchema(() =>
  z.object({ kind: z.literal('text'), text: z.string(), metadata: struct().optional() }),
)
export const V03FileWithBytes = lazySchema(() =>
  z.object({
    bytes: z.string(),
    name: z.string().optional(),
    mimeType: z.string().optional(),
  }),
)
export const V03FileWithUri = lazySchema(() =>
  z.object({
    uri: z.string(),
    name: z.string().optional(),
    mimeType: z.string().optional(),
  }),
)
export const V03FilePart = lazySchema(() =>
  z.object({
    kind: z.literal('file'),
    file: z.union([V03FileWithBytes, V03FileWithUri]),
    metadata: struct().optional(),
  }),
)
export const V03DataPart = lazySchema(() =>
  z.object({ kind: z.literal('data'), data: struct(), metadata: struct().optional() }),
)
export const V03Part = lazySchema(() => z.discriminatedUnion('kind', [V03TextPart, V03FilePart, V03DataPart]))

export const V03Message = lazySchema(() =>
  z.object({
    kind: z.literal('message'),
    messageId: z.string(),
    contextId: z.string().optional(),
    taskId: z.string().optional(),
    role: z.enum(['user', 'agent']),
    parts: z.array(V03Part),
    metadata: struct().optional(),
    extensions: strings().optional(),
    referenceTaskIds: strings().optional(),
  }),
)
export const V03TaskStatus = lazySchema(() =>
  z.object({
    state: V03TaskState,
    message: V03Message.optional(),
    timestamp: z.string().optional(),
  }),
)
export const V03Artifact = lazySchema(() =>
  z.object({
    artifactId: z.string(),
    name: z.string().optional(),
    description: z.string().optional(),
    parts: z.array(V03Part),
    metadata: struct().optional(),
    extensions: strings().optional(),
  }),
)
export const V03Task = lazySchema(() =>
  z.object({
    kind: z.literal('task'),
    id: z.string(),
    contextId: z.string(),
    status: V03TaskStatus,
    artifacts: z.array(V03Artifact).optional(),
    history: z.array(V03Message).optional(),
    metadata: struct().optional(),
  }),
)
export const V03TaskStatusUpdateEvent = lazySchema(() =>
  z.object({
    kind: z.literal('status-update'),
    taskId: z.string(),
    contextId: z.string(),
    status: V03TaskStatus,
    final: z.boolean(),
    metadata: struct().optional(),
  }),
)
export const V03TaskArtifactUpdateEvent = lazySchema(() =>
  z.object({
    kind: z.literal('artifact-update'),
    taskId: z.string(),
    contextId: z.string(),
    artifact: V03Artifact,
    append: z.boolean().optional(),
    lastChunk: z.boolean().optional(),
    metadata: struct().optional(),
  }),
)
export const V03SendMessageResult = lazySchema(() => z.discriminatedUnion('kind', [V03Task, V03Message]))
export const V03StreamEvent = lazySchema(() =>
  z.discriminatedUnion('kind', [V03Task, V03Message, V03TaskStatusUpdateEvent, V03TaskArtifactUpdateEvent]),
)

export const V03PushNotificationAuthenticationInfo = lazySchema(() =>
  z.object({
    schemes: strings(),
    credentials: z.string().optional(),
  }),
)
export const V03PushNotificationConfig = lazySchema(() =>
  z.object({
    id: z.string().optional(),
    url: z.string(),
    token: z.string().optional(),
    authentication: V03PushNotificationAuthenticationInfo.optional(),
  }),
)
export const V03MessageSendConfiguration = lazySchema(() =>
  z.object({
    acceptedOutputModes: strings().optional(),
    blocking: z.boolean().optional(),
    historyLength: int().optional(),
    pushNotificationConfig: V03PushNotificationConfig.optional(),
  }),
)
export const V03MessageSendParams = lazySchema(() =>
  z.object({
    message: V03Message,
    configuration: V03MessageSendConfiguration.optional(),
    metadata: struct().optional(),
  }),
)
export const V03TaskQueryParams = lazySchema(() =>
  z.object({
    id: z.string(),
    historyLength: int().optional(),
    metadata: struct().optional(),
  }),
)
export const V03TaskIdParams = lazySchema(() => z.object({ id: z.string(), metadata: struct().optional() }))
export const V03TaskPushNotificationConfig = lazySchema(() =>
  z.object({
    taskId: z.string(),
    pushNotificationConfig: V03PushNotificationConfig,
  }),
)
export const V03GetTaskPushNotificationConfigParams = lazySchema(() =>
  z.object({
    id: z.string(),
    pushNotificationConfigId: z.string().optional(),
    metadata: struct().optional(),
  }),
)
export const V03ListTaskPushNotificationConfigParams = lazySchema(() =>
  z.object({ id: z.string(), metadata: struct().optional() }),
)
export const V03DeleteTaskPushNotificationConfigParams = lazySchema(() =>
  z.object({
    id: z.string(),
    pushNotificationConfigId: z.string(),
    metadata: struct().optional(),
  }),
)

export const V03AuthorizationCodeOAuthFlow = lazySchema(() =>
  z.object({
    authorizationUrl: z.string(),
    tokenUrl: z.string(),
    refreshUrl: z.string().optional(),
    scopes: scopes(),
  }),
)
export const V03ClientCredentialsOAuthFlow = lazySchema(() =>
  z.object({
    tokenUrl: z.string(),
    refreshUrl: z.string().optional(),
    scopes: scopes(),
  }),
)
export const V03ImplicitOAuthFlow = lazySchema(() =>
  z.object({
    authorizationUrl: z.string(),
    refreshUrl: z.string().optional(),
    scopes: scopes(),
  }),
)
export const V03PasswordOAuthFlow = lazySchema(() =>
  z.object({
    tokenUrl: z.string(),
    refreshUrl: z.string().optional(),
    scopes: scopes(),
  }),
)
export const V03OAuthFlows = lazySchema(() =>
  z.object({
    authorizationCode: V03AuthorizationCodeOAuthFlow.optional(),
    clientCredentials: V03ClientCredentialsOAuthFlow.optional(),
    implicit: V03ImplicitOAuthFlow.optional(),
    password: V03PasswordOAuthFlow.optional(),
  }),
)
export const V03APIKeySecurityScheme = lazySchema(() =>
  z.object({
    type: z.literal('apiKey'),
    description: z.string().optional(),
    in: z.enum(['cookie', 'header', 'query']),
    name: z.string(),
  }),
)
export const V03HTTPAuthSecurityScheme = lazySchema(() =>
  z.object({
    type: z.literal('http'),
    description: z.string().optional(),
    scheme: z.string(),
    bearerFormat: z.string().optional(),
  }),
)
export const V03OAuth2SecurityScheme = lazySchema(() =>
  z.object({
    type: z.literal('oauth2'),
    description: z.string().optional(),
    flows: V03OAuthFlows,
    oauth2MetadataUrl: z.string().optional(),
  }),
)
export const V03OpenIdConnectSecurityScheme = lazySchema(() =>
  z.object({
    type: z.literal('openIdConnect'),
    description: z.string().optional(),
    openIdConnectUrl: z.string(),
  }),
)
export const V03MutualTLSSecurityScheme = lazySchema(() =>
  z.object({ type: z.literal('mutualTLS'), description: z.string().optional() }),
)
export const V03SecurityScheme = lazySchema(() =>
  z.discriminatedUnion('type', [
    V03APIKeySecurityScheme,
    V03HTTPAuthSecurityScheme,
    V03OAuth2SecurityScheme,
    V03OpenIdConnectSecurityScheme,
    V03MutualTLSSecurityScheme,
  ]),
)

export const V03AgentInterface = lazySchema(() => z.object({ url: z.string(), transport: z.string() }))
export const V03AgentExtension = lazySchema(() =>
  z.object({
    uri: z.string(),
    description: z.string().optional(),
    required: z.boolean().optional(),
    params: struct().optional(),
  }),
)
export const V03AgentCapabilities = lazySchema(() =>
  z.object({
    streaming: z.boolean().optional(),
    pushNotifications: z.boolean().optional(),
    stateTransitionHistory: z.boolean().optional(),
    extensions: z.array(V03AgentExtension).optional(),
  }),
)
const v03Security = () => z.array(z.record(z.string(), strings()))
export const V03AgentSkill = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string(),
    tags: strings(),
    examples: strings().optional(),
    inputModes: strings().optional(),
    outputModes: strings().optional(),
    security: v03Security().optional(),
  }),
)
export const V03AgentCard = lazySchema(() =>
  z.object({
    name: z.string(),
    description: z.string(),
    url: z.string(),
    preferredTransport: z.string().optional(),
    additionalInterfaces: z.array(V03AgentInterface).optional(),
    protocolVersion: z.string(),
    version: z.string(),
    provider: AgentProvider.optional(),
    documentationUrl: z.string().optional(),
    iconUrl: z.string().optional(),
    capabilities: V03AgentCapabilities,
    securitySchemes: z.record(z.string(), V03SecurityScheme).optional(),
    security: v03Security().optional(),
    defaultInputModes: strings(),
    defaultOutputModes: strings(),
    skills: z.array(V03AgentSkill),
    supportsAuthenticatedExtendedCard: z.boolean().optional(),
    signatures: z.array(AgentCardSignature).optional(),
  }),
)

// ── Types ────────────────────────────────────────────────────────────────────────────────────────────────────

export type AgentCard = z.infer<typeof AgentCard>
export type AgentInterface = z.infer<typeof AgentInterface>
export type AgentSkill = z.infer<typeof AgentSkill>
export type SecurityScheme = z.infer<typeof SecurityScheme>
export type Task = z.infer<typeof Task>
export type TaskStatus = z.infer<typeof TaskStatus>
export type TaskState = z.infer<typeof TaskState>
export type Role = z.infer<typeof Role>
export type Message = z.infer<typeof Message>
export type Part = z.infer<typeof Part>
export type Artifact = z.infer<typeof Artifact>
export type TaskStatusUpdateEvent = z.infer<typeof TaskStatusUpdateEvent>
export type TaskArtifactUpdateEvent = z.infer<typeof TaskArtifactUpdateEvent>
export type StreamResponse = z.infer<typeof StreamResponse>
export type SendMessageRequest = z.infer<typeof SendMessageRequest>
export type SendMessageConfiguration = z.infer<typeof SendMessageConfiguration>
export type SendMessageResponse = z.infer<typeof SendMessageResponse>
export type ListTasksRequest = z.infer<typeof ListTasksRequest>
export type ListTasksResponse = z.infer<typeof ListTasksResponse>
export type TaskPushNotificationConfig = z.infer<typeof TaskPushNotificationConfig>
export type JSONRPCRequest = z.infer<typeof JSONRPCRequest>
export type JSONRPCResponse = z.infer<typeof JSONRPCResponse>
export type JSONRPCSuccessResponse = z.infer<typeof JSONRPCSuccessResponse>
export type JSONRPCErrorResponse = z.infer<typeof JSONRPCErrorResponse>
export type JSONRPCError = z.infer<typeof JSONRPCError>
export type JSONRPCMethod = JSONRPCRequest['method']
export type ErrorInfo = z.infer<typeof ErrorInfo>
export type A2AErrorResponse = z.infer<typeof A2AErrorResponse>
export type JSONRPCErrorName = keyof typeof JSONRPC_ERROR_CODES

export type V03AgentCard = z.infer<typeof V03AgentCard>
export type V03AgentInterface = z.infer<typeof V03AgentInterface>
export type V03Task = z.infer<typeof V03Task>
export type V03TaskStatus = z.infer<typeof V03TaskStatus>
export type V03TaskState = z.infer<typeof V03TaskState>
export type V03Message = z.infer<typeof V03Message>
export type V03Part = z.infer<typeof V03Part>
export type V03FileWithBytes = z.infer<typeof V03FileWithBytes>
export type V03FileWithUri = z.infer<typeof V03FileWithUri>
export type V03Artifact = z.infer<typeof V03Artifact>
export type V03TaskStatusUpdateEvent = z.infer<typeof V03TaskStatusUpdateEvent>
export type V03TaskArtifactUpdateEvent = z.infer<typeof V03TaskArtifactUpdateEvent>
export type V03SendMessageResult = z.infer<typeof V03SendMessageResult>
export type V03StreamEvent = z.infer<typeof V03StreamEvent>
export type V03MessageSendParams = z.infer<typeof V03MessageSendParams>
export type V03MessageSendConfiguration = z.infer<typeof V03MessageSendConfiguration>
export type V03TaskQueryParams = z.infer<typeof V03TaskQueryParams>
export type V03TaskIdParams = z.infer<typeof V03TaskIdParams>
export type V03PushNotificationConfig = z.infer<typeof V03PushNotificationConfig>
export type V03PushNotificationAuthenticationInfo = z.infer<typeof V03PushNotificationAuthenticationInfo>
export type V03TaskPushNotificationConfig = z.infer<typeof V03TaskPushNotificationConfig>
export type V03GetTaskPushNotificationConfigParams = z.infer<typeof V03GetTaskPushNotificationConfigParams>
export type V03ListTaskPushNotificationConfigParams = z.infer<typeof V03ListTaskPushNotificationConfigParams>
export type V03DeleteTaskPushNotificationConfigParams = z.infer<typeof V03DeleteTaskPushNotificationConfigParams>
export type V03SecurityScheme = z.infer<typeof V03SecurityScheme>
