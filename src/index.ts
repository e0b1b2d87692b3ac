// `dialect-bridge`: the bridge, the canonical model, and what a new dialect is built from. Each dialect's own
// mappers, face and client are at `dialect-bridge/<dialect>` (responses, a2a, acp).

// The bridge
export type { BridgeApp, BridgeOptions } from './bridge/app.js'
export { createBridge } from './bridge/app.js'
export type { AgentConfigEntry } from './bridge/backends.js'
export type { AgentConfig, BridgeConfig, BridgeSettings, DisconnectPolicy } from './bridge/config.js'
export { ConfigError, DEMO_CONFIG, parseConfig, parseConfigText, substituteEnv } from './bridge/config.js'
export type {
  AgentConfigFor,
  AgentConfigOf,
  BackendDeps,
  Dialect,
  DiscoveryContext,
} from './bridge/dialect.js'
export { AGENT_FIELDS, defineDialect, upstreamClientOptions, upstreamOptions } from './bridge/dialect.js'
export type { BridgeEnv, BridgeRuntime, Defer, Face, FaceFactory, FaceOptions } from './bridge/face.js'
export { publicOrigin } from './bridge/face.js'
export type { AgentEntry, AgentRegistry } from './bridge/registry.js'
export type { ReadRunOptions, RunLogger, RunService, StartOptions } from './bridge/runs.js'
export type { BuiltInDialect } from './dialects/index.js'
export { dialects } from './dialects/index.js'

// The canonical model
export type {
  EventOf,
  ErrorCode,
  Fidelity,
  LossRow,
  LossTable,
  MapperState,
  Mappers,
  Problem,
  RequestMappers,
  RunEventType,
  TerminalEvent,
  Encoder,
  Decoder,
  AgentBackend,
  AgentYield,
} from './core/index.js'
export {
  ActiveStatus,
  AgentEvent,
  AgentInfo,
  ApprovalDecision,
  Artifact,
  BridgeError,
  Capabilities,
  Channel,
  DataPart,
  Ext,
  FilePart,
  InterruptReason,
  InterruptSpec,
  Message,
  Part,
  PendingInterrupt,
  Phase,
  Role,
  RunError,
  RunEvent,
  RunInput,
  RunRequest,
  RunState,
  RunStatus,
  Skill,
  TextPart,
  ToolCall,
  ToolInfo,
  ToolResult,
  ToolSpec,
  Usage,
  addUsage,
  agentEvents,
  applyEvent,
  emptyUsage,
  endsTurn,
  initialRunState,
  isAgentEvent,
  isBridgeError,
  isTerminal,
  isTerminalStatus,
  newId,
  parseWith,
  renderLossTable,
  settlesTurn,
  textOf,
  textPart,
  toBridgeError,
} from './core/index.js'

// Run state
export type { MemoryStoreOptions, ReadOptions, RunQuery, RunRecord, RunStore } from './store/index.js'
export { foldRun, MemoryRunStore } from './store/index.js'

// Streams, and the upstream-client core every dialect's client is built on
export type { ReadSSEOptions, SSEChunk, SSEEvent, SSEMessage, SSEStreamOptions } from './stream/index.js'
export { formatSSE, readSSE, sseResponse, sseStream } from './stream/index.js'
export type {
  CallInit,
  DecodeHooks,
  Links,
  ReadEventsOptions,
  StreamDecoding,
  Upstream,
  UpstreamClient,
  UpstreamClientOptions,
  UpstreamLimits,
  UpstreamOptions,
  UpstreamYield,
} from './upstream/index.js'
export {
  createLinks,
  createUpstream,
  decodeEach,
  decodeEvents,
  delegate,
  eventJson,
  InvalidUpstreamData,
  invalidError,
  lazy,
  MAX_EVENT_SIZE,
  networkError,
  parseJson,
  readEvents,
  readWire,
  StreamDropped,
  statusError,
  timeoutError,
  upstreamBackend,
} from './upstream/index.js'

// The built-in demo agent
export type { DemoAgentOptions } from './demo/index.js'
export { createDemoAgent } from './demo/index.js'
export { demo } from './demo/dialect.js'
