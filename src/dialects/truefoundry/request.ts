// TrueFoundry client requests → one canonical turn. Both surfaces send user messages (text, and files as data URLs)
// or, never mixed with them, the answers to a paused turn: approvals (allow / deny) and client-side tool responses.
import type { z } from 'zod'
import type {
  ApprovalDecision,
  FilePart,
  Message,
  Part,
  PendingInterrupt,
  RunInput,
  RunRequest,
  ToolResult,
} from '../../core/index.js'
import { BridgeError, newId, parseWith, textAndDataOf, textOf } from '../../core/index.js'
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

/** What each surface calls the answers, for the errors that ask for them. */
export const TURN_ANSWERS = { approval: 'a user.tool_approval', response: 'a user.tool_response' }
export const RESPONSES_ANSWERS = { approval: 'a tool.approval', response: 'a tool.client_side_response' }

/**
 * How a turn answers the pause its run waits on: every pending call answered (approvals or tool responses), or for a
 * question without a call of its own (asked as `ask_user_question`), its tool response — which is the user's answer:
 * it resumes the run as `{answer}` and joins the conversation as the user's message — or a user message.
 */
export function answerPause(
  pending: PendingInterrupt,
  input: DecodedTurnInput,
  names: { approval: string; response: string },
): Partial<RunInput> {
  const resume = { interruptId: pending.interruptId }
  const { toolResults = [], decisions = [] } = input.input
  if (pending.callIds.length === 0) {
    const result = toolResults.find((r) => r.callId === pending.interruptId)
    if (result) {
      const answer = typeof result.output === 'string' ? result.output : textOf(result.output)
      const message: Message = { id: newId(), role: 'user', parts: [{ type: 'text', text: answer }] }
      const payload = pending.reason === 'input' ? { answer } : answer
      return { toolResults: [], input: [message], resume: { ...resume, payload } }
    }
    if (!input.answers) return { resume }
    throw new BridgeError('invalid_request', `The turn waits for ${names.response} to '${pending.interruptId}'.`, {
      param: 'input',
    })
  }
  const answered = new Set([...toolResults.map((r) => r.callId), ...decisions.map((d) => d.callId)])
  for (const callId of pending.callIds) {
    if (answered.has(callId)) continue
    const what = pending.reason === 'approval' ? names.approval : names.response
    throw new BridgeError(
      'invalid_request',
      `The turn waits for ${what} for tool call '${callId}' (send all of them).`,
      {
        param: 'input',
      },
    )
  }
  return { resume }
}

// ── The other way: a canonical turn as a TrueFoundry agent takes it ────────────────────────────────────────────

/** A file part as a data URL (what TrueFoundry's file inputs hold). */
const dataUrl = (p: FilePart) =>
  p.bytes ? `data:${p.mediaType ?? 'application/octet-stream'};base64,${p.bytes}` : (p.url ?? '')

/** The user's new messages as turn input: text as a string, files as data URLs, data as JSON text. */
function userItems(request: RunRequest): TurnInputItem[] {
  return request.input
    .filter((m) => m.role === 'user')
    .map((m) => {
      const files = m.parts.filter((p): p is FilePart => p.type === 'file')
      const text = textAndDataOf(m.parts)
      if (!files.length) return { type: 'user.message' as const, content: text }
      const parts = [
        ...(text ? [{ type: 'text' as const, text }] : []),
        ...files.map((f) => ({ type: 'file' as const, name: f.name ?? 'file', data: dataUrl(f) })),
      ]
      return { type: 'user.message' as const, content: parts }
    })
}

/**
 * A canonical turn as Surface B input: the answers to the pause it resumes (each call on its own thread), or the
 * user's new message. TrueFoundry keeps the conversation itself, so history is not sent.
 */
export function encodeTurnInput(request: RunRequest, threads: Record<string, string>): TurnInputItem[] {
  const thread = (callId: string) => threads[callId] ?? 'main'
  const answers: TurnInputItem[] = [
    ...(request.decisions ?? []).map((d) => ({
      type: 'user.tool_approval' as const,
      thread_id: thread(d.callId),
      tool_call_id: d.callId,
      approval: d.approved
        ? { status: 'allow' as const }
        : { status: 'deny' as const, ...(d.reason ? { reason: d.reason } : {}) },
    })),
    ...(request.toolResults ?? []).map((r) => ({
      type: 'user.tool_response' as const,
      thread_id: thread(r.callId),
      tool_call_id: r.callId,
      content: typeof r.output === 'string' ? r.output : textOf(r.output),
    })),
  ]
  return answers.length ? answers : userItems(request)
}

/** A canonical turn as a Surface A request body (`tool.*` items name each call's execution). */
export function encodeResponsesBody(
  request: RunRequest,
  agent: { agentName?: string; model?: string; instruction?: string },
  previousResponseId: string | undefined,
  executions: Record<string, string>,
): Record<string, unknown> {
  const items = encodeTurnInput(request, executions)
  const input = items.map((item) => {
    if (item.type === 'user.tool_approval') {
      return {
        type: 'tool.approval',
        execution_id: item.thread_id,
        tool_call_id: item.tool_call_id,
        approval: item.approval,
      }
    }
    if (item.type === 'user.tool_response') {
      return {
        type: 'tool.client_side_response',
        execution_id: item.thread_id,
        tool_call_id: item.tool_call_id,
        content: item.content,
      }
    }
    const content =
      typeof item.content === 'string'
        ? item.content
        : item.content.map((p) =>
            p.type === 'text' ? p : { type: 'file_upload', file: { filename: p.name, file_data: p.data } },
          )
    return { role: 'user', content }
  })
  const instruction = agent.instruction ?? request.instructions
  return {
    ...(agent.model
      ? { model: agent.model, ...(instruction ? { instruction } : {}) }
      : { agent_name: agent.agentName }),
    ...(previousResponseId ? { previous_response_id: previousResponseId } : {}),
    input,
  }
}
