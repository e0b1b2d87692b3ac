import { z } from 'zod'
import { Ext, Part } from './part.js'
import { ToolCall } from './tool.js'
import { lazySchema } from './lazy-schema.js'

export const Role = lazySchema(() => z.enum(['user', 'assistant', 'system']))
export type Role = z.infer<typeof Role>

/** `commentary` marks progress or sub-agent chatter as opposed to the answer itself. */
export const Phase = lazySchema(() => z.enum(['commentary', 'final']))
export type Phase = z.infer<typeof Phase>

export const Message = lazySchema(() =>
  z.object({
    id: z.string(),
    role: Role,
    parts: z.array(Part),
    phase: Phase.optional(),
    /** Reasoning text that came with the message, when the dialect streams it separately. */
    reasoning: z.string().optional(),
    /** The model's refusal, when it declined (streamed on the `refusal` channel). */
    refusal: z.string().optional(),
    /** Tool calls the assistant made in this message (history replay). */
    toolCalls: z.array(ToolCall).optional(),
    executionId: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    ext: Ext.optional(),
  }),
)
export type Message = z.infer<typeof Message>

/**
 * The message as a dialect with no place for a refusal shows it (its loss table says so): the refusal is text, ahead of
 * the rest, as its deltas were. A message without one is given back as it is.
 */
export const refusalAsText = (m: Message): Message =>
  m.refusal ? { ...m, parts: [{ type: 'text', text: m.refusal }, ...m.parts] } : m
