// Orq client requests → one canonical turn. The three bodies (invoke/stream, run/stream-run with an inline agent,
// and `/responses`) share the invoke fields; what has no canonical home (identity, thread, memory, engine, the
// inline agent's model and its non-function tools) rides in `ext.orq`.
import type { z } from 'zod'
import type {
  Message,
  Part,
  RunInput,
  RunRequest as CanonicalRunRequest,
  ToolResult,
  ToolSpec,
} from '../../core/index.js'
import { BridgeError, jsonOrText, newId, parseWith, textOf } from '../../core/index.js'
import { tolerant } from '../../upstream/index.js'
import { fromOrqPart, toOrqPart } from './parts.js'
import type { RequestMessage } from './wire.js'
import { AgentResponseRequest, InvokeRequest, RunRequest } from './wire.js'

/** A decoded Orq request: the turn's input plus what the Orq face itself needs. */
export interface DecodedOrqRequest {
  /** Continue this task (the conversation); a new task when absent. */
  taskId?: string
  /** The message as sent, echoed in `event.agents.started`. */
  message: z.infer<typeof InvokeRequest>['message']
  /** `role: "tool"`: the message answers the agent's pending tool calls. */
  answersTools: boolean
  /** Tool results by call id, with the result value as sent (approvals are read from it). */
  results: Map<string, unknown>
  input: RunInput
  /** `configuration.blocking` (task), or `background: false` (responses). */
  blocking: boolean
  stream: boolean
  /** The inline agent's key (`run`, `stream-run`). */
  key?: string
}

const fail = (problem: { path: string; message: string }) =>
  new BridgeError('invalid_request', `Invalid request: ${problem.path || 'body'}: ${problem.message}`, {
    param: problem.path || undefined,
  })

const schemas = { invoke: InvokeRequest, run: RunRequest, response: AgentResponseRequest }

export function decodeRequest(body: unknown, kind: keyof typeof schemas = 'invoke'): DecodedOrqRequest {
  const request = parseWith(tolerant(schemas[kind]), body, fail) as z.infer<typeof RunRequest> &
    z.infer<typeof AgentResponseRequest>
  const { message } = request
  const parts: Part[] = []
  const results = new Map<string, unknown>()
  const toolResults: ToolResult[] = []
  for (const part of message.parts) {
    if (part.kind === 'tool_result') {
      results.set(part.tool_call_id, part.result)
      const output = typeof part.result === 'string' ? part.result : JSON.stringify(part.result ?? null)
      toolResults.push({ callId: part.tool_call_id, output })
      continue
    }
    const canonical = fromOrqPart(part)
    if (canonical) parts.push(canonical)
  }
  if (message.role === 'tool' && parts.length) {
    throw new BridgeError('invalid_request', 'A tool message may only contain tool_result parts.', {
      param: 'message.parts',
    })
  }
  if (message.role === 'user' && !parts.length) {
    throw new BridgeError('invalid_request', 'A user message needs at least one text or file part.', {
      param: 'message.parts',
    })
  }
  const input: Message[] = message.role === 'user' ? [{ id: message.messageId ?? newId(), role: 'user', parts }] : []
  // The inline agent's fields are read only on run / stream-run, whose schema checks them; elsewhere (read loosely,
  // unknown fields kept) they are not ours to trust.
  const inline = kind === 'run'
  const ext = orqExtras(request, inline)
  const instructions = inline ? [request.system_prompt, request.instructions].filter((t) => t).join('\n\n') : ''
  const tools = kind === 'run' ? functionTools(request) : undefined
  const stream = kind === 'response' ? request.stream === true : false
  return {
    ...(request.task_id ? { taskId: request.task_id } : {}),
    message,
    answersTools: message.role === 'tool',
    results,
    blocking: kind === 'response' ? request.background !== true : request.configuration?.blocking === true,
    stream,
    ...(kind === 'run' ? { key: request.key } : {}),
    input: {
      input,
      ...(toolResults.length ? { toolResults } : {}),
      ...(instructions ? { instructions } : {}),
      ...(tools ? { tools } : {}),
      ...(request.metadata ? { metadata: request.metadata } : {}),
      ...(request.variables ? { config: { variables: request.variables } } : {}),
      ...(Object.keys(ext).length ? { ext: { orq: ext } } : {}),
    },
  }
}

/** The inline agent's function tools, as tools the client declares. */
function functionTools(request: z.infer<typeof RunRequest>): ToolSpec[] {
  return (request.settings.tools ?? []).flatMap((tool) => {
    const fn = tool.function
    if (tool.type !== 'function' || !fn) return []
    return [
      {
        name: fn.name,
        ...((fn.description ?? tool.description) ? { description: fn.description ?? tool.description } : {}),
        ...(fn.parameters ? { parameters: fn.parameters } : {}),
        ...(fn.strict !== undefined ? { strict: fn.strict } : {}),
      },
    ]
  })
}

/** What the canonical model has no field for, kept as sent. */
function orqExtras(request: Partial<z.infer<typeof RunRequest>>, inline: boolean): Record<string, unknown> {
  const invoke = ['identity', 'contact', 'thread', 'memory', 'engine'] as const
  const agent = [
    'model',
    'fallback_models',
    'role',
    'path',
    'knowledge_bases',
    'memory_stores',
    'team_of_agents',
  ] as const
  const ext: Record<string, unknown> = {}
  for (const key of [...invoke, ...(inline ? agent : [])]) if (request[key] !== undefined) ext[key] = request[key]
  if (!inline) return ext
  const others = request.settings?.tools?.filter((t) => t.type !== 'function')
  if (others?.length) ext.tools = others
  return ext
}

/** What the Orq client adds to a turn: the upstream task to continue, and how long Orq may stream. */
export interface OrqRequestContext {
  taskId?: string
  streamTimeoutSeconds?: number
}

/**
 * A canonical turn as the invoke body an Orq agent takes: the user's new message, or (answering a pause) a `tool`
 * message of `tool_result` parts, with `task_id` continuing the upstream task. Orq keeps the conversation itself, so
 * only the new message goes; data parts, which requests cannot hold, go as JSON text.
 */
export function encodeRequest(
  request: CanonicalRunRequest,
  context: OrqRequestContext = {},
): z.infer<typeof InvokeRequest> {
  const message: RequestMessage = request.toolResults?.length
    ? {
        role: 'tool',
        parts: request.toolResults.map((r) => ({
          kind: 'tool_result' as const,
          tool_call_id: r.callId,
          result: typeof r.output === 'string' ? jsonOrText(r.output) : textOf(r.output),
        })),
      }
    : {
        role: 'user',
        ...(request.input[0]?.id ? { messageId: request.input[0].id } : {}),
        parts: request.input
          .filter((m) => m.role === 'user')
          .flatMap((m) => m.parts)
          .map((part) =>
            part.type === 'data' ? { kind: 'text' as const, text: JSON.stringify(part.data) } : toOrqPart(part),
          )
          .filter((p) => p.kind !== 'data') as RequestMessage['parts'],
      }
  const variables = (request.config as { variables?: Record<string, unknown> } | undefined)?.variables
  return {
    message,
    ...(context.taskId ? { task_id: context.taskId } : {}),
    ...(variables ? { variables } : {}),
    ...(request.metadata ? { metadata: request.metadata } : {}),
    ...(context.streamTimeoutSeconds ? { stream_timeout_seconds: context.streamTimeoutSeconds } : {}),
  }
}
