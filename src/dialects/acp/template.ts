// Where text lives in an ACP agent's `input` and `values`: agents define their own schemas, so the bridge's ACP
// client is told per agent (configuration `acp.input` / `acp.output`), by JSON pointer.
import { cloneData } from '../../core/index.js'

/** Where the bridge puts the conversation (`messages`) or the latest user text (`text`) in the agent's input. */
export interface InputTemplate {
  /** JSON pointer of the messages array (`/messages`); each message `{role, content}`. */
  messages?: string
  /** JSON pointer of the latest user message's text (`/message`; `""` makes the input that bare string). */
  text?: string
  /** Fields the input always carries (merged under the pointer). */
  base?: Record<string, unknown>
}

/** Where the bridge finds the answer in the agent's `values`. */
export interface OutputTemplate {
  /**
   * JSON pointer of a messages array; the last assistant message's content is the answer (`role` assistant, ai, agent
   * or model, or LangChain's `type: "ai"`; content a string or text blocks).
   */
  messages?: string
  /** JSON pointer of the answer text (`""`: the values are that string). */
  text?: string
}

export const DEFAULT_INPUT: InputTemplate = { messages: '/messages' }
export const DEFAULT_OUTPUT: OutputTemplate = { messages: '/messages' }

const tokens = (pointer: string) =>
  pointer === ''
    ? []
    : pointer
        .replace(/^\//, '')
        .split('/')
        .map((t) => t.replaceAll('~1', '/').replaceAll('~0', '~'))

export function getPointer(value: unknown, pointer: string): unknown {
  let at = value
  for (const t of tokens(pointer)) {
    if (typeof at !== 'object' || at === null) return undefined
    at = (at as Record<string, unknown>)[t]
  }
  return at
}

function setPointer(target: Record<string, unknown>, pointer: string, value: unknown): unknown {
  const path = tokens(pointer)
  if (path.length === 0) return value
  let at: Record<string, unknown> = target
  for (const t of path.slice(0, -1)) at = (at[t] ??= {}) as Record<string, unknown>
  at[path.at(-1) as string] = value
  return target
}

export interface TemplateMessage {
  role: string
  content: unknown
}

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content
          .map((b) =>
            typeof b === 'object' && b !== null && (b as { type?: unknown }).type === 'text'
              ? String((b as { text?: unknown }).text ?? '')
              : '',
          )
          .join('')
      : ''

export function applyInput(template: InputTemplate, messages: TemplateMessage[]): unknown {
  const base = cloneData(template.base ?? {})
  if (template.text !== undefined) {
    const last = [...messages].reverse().find((m) => m.role === 'user')
    return setPointer(base, template.text, textOf(last?.content))
  }
  return setPointer(base, template.messages ?? '/messages', messages)
}

const ASSISTANT = new Set(['assistant', 'ai', 'agent', 'model'])
const USER = new Set(['user', 'human'])

/** The answer text in `values`, by the template; falls back to a `text` field or a bare string. */
export function readOutput(template: OutputTemplate, values: unknown): string {
  return readAnswer(template, values).text
}

/**
 * The latest answer in `values`, and which message it is (its position among the messages, when the template reads
 * messages): a new message whose text happens to extend the last one's is still a new message.
 */
export function readAnswer(template: OutputTemplate, values: unknown): { text: string; message?: number } {
  if (template.text !== undefined)
    return { text: textOf(getPointer(values, template.text)) || String(getPointer(values, template.text) ?? '') }
  const messages = getPointer(values, template.messages ?? '/messages')
  if (Array.isArray(messages)) {
    // `{role: "assistant"}` messages, or LangChain-serialised ones (`{type: "ai"}`, no role). Only what follows the
    // last user message answers this turn: a snapshot that still holds the conversation's earlier answers (an agent
    // re-sent the transcript) has no answer until a new one comes.
    const kind = (m: unknown) =>
      typeof m === 'object' && m !== null
        ? String((m as { role?: unknown }).role ?? (m as { type?: unknown }).type).toLowerCase()
        : ''
    const lastUser = messages.findLastIndex((m) => USER.has(kind(m)))
    const index = messages.findLastIndex((m) => ASSISTANT.has(kind(m)))
    if (index > lastUser) return { text: textOf((messages[index] as { content?: unknown }).content), message: index }
    // Only an earlier answer is stale; messages that hold the user's alone say nothing, so `text` may still answer.
    if (index >= 0) return { text: '' }
  }
  if (typeof values === 'string') return { text: values }
  const text = getPointer(values, '/text')
  return { text: typeof text === 'string' ? text : '' }
}
