// A wire schema built on first use behaves as the schema itself wherever the dialects and zod use one.
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { lazySchema } from '../../src/core/lazy-schema.js'
import { tolerant } from '../../src/upstream/tolerant.js'

describe('lazySchema', () => {
  it('builds nothing until read, then builds once', () => {
    let built = 0
    const Item = lazySchema(() => {
      built++
      return z.object({ id: z.string() })
    })
    expect(built).toBe(0)
    expect(Item.parse({ id: 'a' })).toEqual({ id: 'a' })
    expect(Item.safeParse({ id: 1 }).success).toBe(false)
    expect(built).toBe(1)
  })

  it('reads as the schema: instanceof, shape, options, extend, optional', () => {
    const A = lazySchema(() => z.object({ type: z.literal('a'), n: z.number() }))
    const B = lazySchema(() => z.object({ type: z.literal('b') }))
    const Either = lazySchema(() => z.discriminatedUnion('type', [A, B]))
    expect(A instanceof z.ZodObject).toBe(true)
    expect(Either instanceof z.ZodDiscriminatedUnion).toBe(true)
    expect(Object.keys(A.shape)).toEqual(['type', 'n'])
    expect(Either.options.map((o) => o.shape.type.value)).toEqual(['a', 'b'])
    expect(Either.parse({ type: 'b' })).toEqual({ type: 'b' })
    expect(Either.safeParse({ type: 'c' }).success).toBe(false)
    const Wider = A.extend({ extra: z.boolean() })
    expect(Wider.parse({ type: 'a', n: 1, extra: true })).toEqual({ type: 'a', n: 1, extra: true })
    expect(A.optional().parse(undefined)).toBeUndefined()
  })

  it('nests in other schemas, lazy or not, and reads tolerantly', () => {
    const Part = lazySchema(() => z.object({ text: z.string(), note: z.string().optional() }))
    const Message = lazySchema(() => z.object({ parts: z.array(Part) }))
    const Envelope = z.object({ message: Message })
    expect(Envelope.parse({ message: { parts: [{ text: 'hi' }] } })).toEqual({ message: { parts: [{ text: 'hi' }] } })
    const problem = Envelope.safeParse({ message: { parts: [{ text: 1 }] } })
    expect(problem.error?.issues[0]?.path).toEqual(['message', 'parts', 0, 'text'])
    // The reading form: an explicit null where the schema has an optional field, an unknown field kept.
    expect(tolerant(Message).parse({ parts: [{ text: 'hi', note: null, x: 1 }] })).toEqual({
      parts: [{ text: 'hi', x: 1 }],
    })
  })
})
