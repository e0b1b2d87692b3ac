// dialect-bridge's A2A extension: how tool calls, approvals, interrupts, sub-agents and usage ride in A2A
// messages and metadata. Declared in every agent card under `capabilities.extensions`; README documents it.

export const EXTENSION_URI = 'urn:dialect-bridge:a2a:v1'

/** Media types of the data parts the extension defines. */
export const MEDIA = {
  /** Agent → client (INPUT_REQUIRED): run this tool and send back its output. `{call_id, name, arguments}` */
  functionCall: 'application/vnd.dialect-bridge.function-call+json',
  /** Client → agent: a tool's output. `{call_id, output, is_error?}` */
  functionCallOutput: 'application/vnd.dialect-bridge.function-call-output+json',
  /** Agent → client (INPUT_REQUIRED): approve this call of the agent's own tool. `{call_id, name, arguments, server?}` */
  approvalRequest: 'application/vnd.dialect-bridge.approval-request+json',
  /** Client → agent: the decision. `{call_id, approved, reason?}` */
  approvalResponse: 'application/vnd.dialect-bridge.approval-response+json',
  /** Agent → client (WORKING): the agent runs one of its own tools. `{call_id, name, arguments, server?}` */
  toolCall: 'application/vnd.dialect-bridge.tool-call+json',
  /** Agent → client (WORKING): what that tool returned. `{call_id, output, is_error?}` */
  toolResult: 'application/vnd.dialect-bridge.tool-result+json',
  /** Agent → client (INPUT_REQUIRED): an interrupt's payload, when it has one. `{interrupt_id, type?, payload}` */
  interrupt: 'application/vnd.dialect-bridge.interrupt+json',
} as const

/** What the extension puts under `metadata[EXTENSION_URI]` of messages, artifacts, events and tasks. */
export interface ExtMetadata {
  /** On an artifact: it carries an assistant message (`messageId`), not a file the agent produced. */
  kind?: 'message' | 'reasoning' | 'commentary'
  messageId?: string
  /** The (sub-)agent that produced it. */
  executionId?: string
  /** On an INPUT_REQUIRED / AUTH_REQUIRED status message: the interrupt. */
  interrupt?: {
    interruptId: string
    reason: string
    callIds: string[]
    interruptType?: string
    payloadSchema?: Record<string, unknown>
    resumeSchema?: Record<string, unknown>
  }
  /** On a WORKING status update: a sub-agent started or finished. */
  agent?: {
    event: 'started' | 'completed'
    executionId: string
    parentExecutionId?: string
    callId?: string
    name?: string
    error?: { code: string; message: string }
  }
  /** On the final status update and the task: tokens used. */
  usage?: {
    inputTokens: number
    outputTokens: number
    reasoningTokens: number
    cachedTokens: number
    cacheWriteTokens?: number
    costUsd?: number
  }
  /** On FAILED: the canonical error code. */
  error?: { code: string }
  /** On COMPLETED: the run stopped early. */
  incomplete?: { reason: string }
  /**
   * On COMPLETED: the agent answered with a Message, keeping no task. A stream has sent the task already, so a
   * bridge reading this one (an upstream) learns it here and can answer its own client with a Message.
   */
  direct?: true
}

export const extOf = (metadata: Record<string, unknown> | undefined): ExtMetadata =>
  (metadata?.[EXTENSION_URI] as ExtMetadata | undefined) ?? {}

export const withExt = (ext: ExtMetadata, metadata?: Record<string, unknown>): Record<string, unknown> => ({
  ...metadata,
  [EXTENSION_URI]: ext,
})
