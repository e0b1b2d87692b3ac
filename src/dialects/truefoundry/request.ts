// TrueFoundry client requests → one canonical turn. Both surfaces send user messages (text, and files as data URLs)
// or, never mixed with them, the answers to a paused turn: approvals (allow / deny) and client-side tool responses.
import type { z } from 'zod'
import type { ApprovalDecision, FilePart, Message, Part, RunInput, ToolResult } from '../../core/index.js'
import { BridgeError, newId, parseWith } from '../../core/index.js'
import { tolerant } from '../../upstream/index.js'
import { AgentResponsesRequest } from './responses-wire.js'
import { CreateTurnRequest } from './sessions-wire.js'
import type { TurnInputItem } from './sessions-wire.js'

/** A decoded turn input: what the run gets, and whether it answers a pause. */
export interface DecodedTurnInput {
  /** The input as the client sent it (Surface B echoes it in `turn.created`). */
  items: TurnInputItem[]
  input: RunInput
  /** Approvals or tool responses (never mixed with user messages). */
  answers: boolean
}

const fail = (problem: { path: string; message: string }) =>
  new BridgeError('invalid_request', `Invalid request: ${problem.path || 'body'}: ${problem.message}`, {
    param: problem.path || undefined,
  })

/** A `data:<mime>;base64,<payload>` URL as a file part; anything else is sent on as a URL. */
function filePart(name: string, data: string): FilePart {
  const match = /^data:([^;,]*)(;base64)?,(.*)$/s.exec(data)
  if (!match) return { type: 'file', url: data, name }
  const [, mediaType, base64, payload = ''] = match
  const bytes = base64 ? payload : btoa(decodeURIComponent(payload))
  return { type: 'file', bytes, name, ...(mediaType ? { mediaType } : {}) }
}

type Content = string | ({ type: 'text'; text: string } | { type: 'file'; name: string; data: string })[]

const userMessage = (content: Content): Message => ({
  id: newId(),
  role: 'user',
  parts:
    typeof content === 'string'
      ? [{ type: 'text', text: content }]
      : content.map((p): Part => (p.type === 'text' ? { type: 'text', text: p.text } : filePart(p.name, p.data))),
})

/** Turn input items (Surface B, and Surface A's after renaming) as a canonical turn. */
export function decodeTurnInput(items: TurnInputItem[]): DecodedTurnInput {
  const messages: Message[] = []
  const toolResults: ToolResult[] = []
  const decisions: ApprovalDecision[] = []
  for (const item of items) {
    if (item.type === 'user.message') messages.push(userMessage(item.content))
    else if (item.type === 'user.tool_response') toolResults.push({ callId: item.tool_call_id, output: item.content })
    else {
      const { approval } = item
      decisions.push({
        callId: item.tool_call_id,
        approved: approval.status === 'allow',
        ...(approval.status === 'deny' && approval.reason ? { reason: approval.reason } : {}),
      })
    }
  }
  const answers = toolResults.length + decisions.length > 0
  if (answers && messages.length) {
    throw new BridgeError(
      'invalid_request',
      'A turn takes user messages or answers (approvals, tool responses), not both.',
      {
        param: 'input',
      },
    )
  }
  if (!answers && !messages.length) {
    throw new BridgeError('invalid_request', 'A turn needs input: a user message, or the answers to a paused turn.', {
      param: 'input',
    })
  }
  return {
    items,
    answers,
    input: {
      input: messages,
      ...(toolResults.length ? { toolResults } : {}),
      ...(decisions.length ? { decisions } : {}),
      stream: true,
    },
  }
}

/** `POST …/sessions/{id}/turns`. */
export function decodeTurnRequest(body: unknown): { input: DecodedTurnInput; previous?: string | null } {
  const request = parseWith(tolerant(CreateTurnRequest), body, fail)
  return {
    input: decodeTurnInput(request.input ?? []),
    ...(request.previous_turn_id !== undefined ? { previous: request.previous_turn_id } : {}),
  }
}

/** A Surface A request: the agent it names, the turn, and what it continues. */
export interface DecodedResponsesRequest {
  /** `agent_name` (saved) or `model` (inline): the configured agent. */
  agent: string
  previousResponseId?: string
  input: DecodedTurnInput
  /** The execution each answer names (a sub-agent's call is answered on its own execution). */
  executions: Map<string, string>
}

/** `POST /agent/responses`: saved or inline agent; the inline instruction goes with the turn. */
export function decodeResponsesRequest(body: unknown): DecodedResponsesRequest {
  const request = parseWith(tolerant(AgentResponsesRequest), body, fail) as z.infer<typeof AgentResponsesRequest> & {
    agent_name?: string
    model?: string
    instruction?: string
    messages?: { role: 'user'; content: string }[]
  }
  const agent = request.agent_name ?? request.model
  if (!agent)
    throw new BridgeError('invalid_request', 'Name the agent: agent_name (or model).', { param: 'agent_name' })
  const executions = new Map<string, string>()
  const items: TurnInputItem[] = [
    ...(request.messages ?? []).map((m) => ({ type: 'user.message' as const, content: m.content })),
    ...(request.input ?? []).map((item): TurnInputItem => {
      if ('role' in item) {
        const { content } = item
        return { type: 'user.message', content: typeof content === 'string' ? content : renameParts(content) }
      }
      executions.set(item.tool_call_id, item.execution_id)
      return item.type === 'tool.approval'
        ? {
            type: 'user.tool_approval',
            thread_id: item.execution_id,
            tool_call_id: item.tool_call_id,
            approval: item.approval,
          }
        : {
            type: 'user.tool_response',
            thread_id: item.execution_id,
            tool_call_id: item.tool_call_id,
            content: item.content,
          }
    }),
  ]
  const input = decodeTurnInput(items)
  if (request.instruction) input.input.instructions = request.instruction
  return {
    agent,
    ...(request.previous_response_id ? { previousResponseId: request.previous_response_id } : {}),
    input,
    executions,
  }
}

/** Surface A's user content parts in Surface B's words (`file_upload{filename, file_data}` → `file{name, data}`). */
function renameParts(
  content: ({ type: 'text'; text: string } | { type: 'file_upload'; file: { filename: string; file_data: string } })[],
): Exclude<Content, string> {
  return content.map((p) => (p.type === 'text' ? p : { type: 'file', name: p.file.filename, data: p.file.file_data }))
}
