// Orq's parts ↔ canonical parts. Orq extends A2A's `kind` parts with tool calls, tool results and errors; the
// canonical model keeps tool calls and results out of message parts (they are events), so those two are handled by
// the mappers, not here.
import type { Part, ToolCall } from '../../core/index.js'
import { isObject } from '../../core/index.js'
import type { Part as OrqPart } from './wire.js'

type OrqContentPart = Extract<OrqPart, { kind: 'text' | 'data' | 'file' }>

/** A canonical part as Orq sends it. Orq's data parts hold objects only: another JSON value is wrapped as `{value}`. */
export function toOrqPart(part: Part): OrqContentPart {
  switch (part.type) {
    case 'text':
      return { kind: 'text', text: part.text }
    case 'data': {
      const data = isObject(part.data) ? part.data : { value: part.data }
      return { kind: 'data', data, ...(part.metadata ? { metadata: part.metadata } : {}) }
    }
    case 'file': {
      const about = {
        ...(part.mediaType ? { mimeType: part.mediaType } : {}),
        ...(part.name ? { name: part.name } : {}),
      }
      const file = part.bytes ? { bytes: part.bytes, ...about } : { uri: part.url ?? '', ...about }
      return { kind: 'file', file, ...(part.metadata ? { metadata: part.metadata } : {}) }
    }
  }
}

/** An Orq part as a canonical one; tool calls and results (events, not content) are undefined, errors become text. */
export function fromOrqPart(part: OrqPart): Part | undefined {
  switch (part.kind) {
    case 'text':
      return { type: 'text', text: part.text }
    case 'error':
      return { type: 'text', text: part.error, metadata: { orq: { kind: 'error', code: part.code } } }
    case 'data':
      return { type: 'data', data: part.data, ...(part.metadata ? { metadata: part.metadata } : {}) }
    case 'file': {
      const f = part.file
      return {
        type: 'file',
        ...('bytes' in f ? { bytes: f.bytes } : { url: f.uri }),
        ...(f.mimeType ? { mediaType: f.mimeType } : {}),
        ...(f.name ? { name: f.name } : {}),
        ...(part.metadata ? { metadata: part.metadata } : {}),
      }
    }
    case 'tool_call':
    case 'tool_result':
      return undefined
  }
}

/** A tool call as an Orq `tool_call` part: `arguments` is an object there, so a non-object is wrapped as `{value}`. */
export const toolCallPart = (call: ToolCall): Extract<OrqPart, { kind: 'tool_call' }> => ({
  kind: 'tool_call',
  tool_name: call.name,
  tool_call_id: call.callId,
  arguments: argumentsObject(call.arguments),
})

/** A JSON arguments string as the object Orq wants; text that is not a JSON object is kept as `{value}`. */
export function argumentsObject(raw: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(raw || '{}')
    return isObject(parsed) ? parsed : { value: parsed }
  } catch {
    return { value: raw }
  }
}
