// Canonical parts and messages ⇄ A2A v1 parts and messages.
import type { Message as CanonicalMessage, Part as CanonicalPart } from '../../core/index.js'
import type { Message, Part } from './wire.js'

const common = (p: { mediaType?: string; name?: string; metadata?: Record<string, unknown> }) => ({
  ...(p.mediaType ? { mediaType: p.mediaType } : {}),
  ...(p.name ? { filename: p.name } : {}),
  ...(p.metadata ? { metadata: p.metadata } : {}),
})

export function toA2APart(p: CanonicalPart): Part {
  if (p.type === 'text') return { text: p.text, ...(p.metadata ? { metadata: p.metadata } : {}) }
  if (p.type === 'data') return { data: p.data ?? null, ...common(p) }
  if (p.url !== undefined) return { url: p.url, ...common(p) }
  return { raw: p.bytes ?? '', ...common(p) }
}

/** v1 parts are told apart by which member is present, never by a tag. */
export function fromA2APart(p: Part): CanonicalPart {
  const extra = {
    ...(p.mediaType ? { mediaType: p.mediaType } : {}),
    ...(p.metadata ? { metadata: p.metadata } : {}),
  }
  const name = p.filename ? { name: p.filename } : {}
  if ('text' in p && typeof p.text === 'string')
    return { type: 'text', text: p.text, ...(p.metadata ? { metadata: p.metadata } : {}) }
  if ('url' in p && typeof p.url === 'string') return { type: 'file', url: p.url, ...extra, ...name }
  if ('raw' in p && typeof p.raw === 'string') return { type: 'file', bytes: p.raw, ...extra, ...name }
  return { type: 'data', data: 'data' in p ? p.data : null, ...extra }
}

/** Which member a wire part carries, or undefined when it has none (an invalid part). */
export const partKind = (p: unknown): 'text' | 'raw' | 'url' | 'data' | undefined => {
  if (typeof p !== 'object' || p === null) return undefined
  for (const k of ['text', 'raw', 'url', 'data'] as const) if (k in p) return k
  return undefined
}

export const toA2AMessage = (m: CanonicalMessage, ids: { contextId: string; taskId?: string }): Message => ({
  messageId: m.id,
  contextId: ids.contextId,
  ...(ids.taskId ? { taskId: ids.taskId } : {}),
  role: m.role === 'user' ? 'ROLE_USER' : 'ROLE_AGENT',
  parts: m.parts.map(toA2APart),
  ...(m.metadata ? { metadata: m.metadata } : {}),
})

export const fromA2AMessage = (m: Message): CanonicalMessage => ({
  id: m.messageId,
  role: m.role === 'ROLE_AGENT' ? 'assistant' : 'user',
  parts: m.parts.map(fromA2APart),
  ...(m.metadata ? { metadata: m.metadata } : {}),
})
