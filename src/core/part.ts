import { z } from 'zod'
import { lazySchema } from './lazy-schema.js'

/** Extras a dialect attaches that have no canonical home, keyed by dialect name, so X → canonical → X is lossless. */
export const Ext = lazySchema(() => z.record(z.string(), z.unknown()))
export type Ext = z.infer<typeof Ext>

export const TextPart = lazySchema(() =>
  z.object({
    type: z.literal('text'),
    text: z.string(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
)
export type TextPart = z.infer<typeof TextPart>

/** A file by reference (`url`) or inline (`bytes`, base64). Exactly one of the two is set. */
export const FilePart = lazySchema(() =>
  z.object({
    type: z.literal('file'),
    url: z.string().optional(),
    bytes: z.string().optional(),
    mediaType: z.string().optional(),
    name: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
)
export type FilePart = z.infer<typeof FilePart>

/** Structured JSON (any JSON value). */
export const DataPart = lazySchema(() =>
  z.object({
    type: z.literal('data'),
    data: z.unknown(),
    mediaType: z.string().optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
  }),
)
export type DataPart = z.infer<typeof DataPart>

export const Part = lazySchema(() => z.discriminatedUnion('type', [TextPart, FilePart, DataPart]))
export type Part = z.infer<typeof Part>

export const textPart = (text: string): TextPart => ({ type: 'text', text })

/** The text of all text parts, joined without separator (deltas concatenate the same way). */
export const textOf = (parts: readonly Part[]): string => parts.map((p) => (p.type === 'text' ? p.text : '')).join('')

/** The text of text and data parts (data as JSON), joined; files left out: all a text-only message can hold of them. */
export const textAndDataOf = (parts: readonly Part[]): string =>
  parts.map((p) => (p.type === 'text' ? p.text : p.type === 'data' ? JSON.stringify(p.data) : '')).join('')
