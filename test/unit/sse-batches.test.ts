// readSSEBatches reads one chunk at a time: next() calls made together are answered one after another (node-fetch's
// chunk source holds one waiting read, so two at once would lose one); a reading returned before it began leaves the
// body untouched.
import { describe, expect, it } from 'vitest'
import type { ChunkSource } from '../../src/stream/index.js'
import { readSSEBatches, withChunkSource } from '../../src/stream/index.js'

const encoder = new TextEncoder()
const data = (r: IteratorResult<{ data: string }[]>) => (r.done ? 'done' : r.value.map((e) => e.data).join(','))

describe('readSSEBatches', () => {
  it('answers next() calls made together one after another, a chunk that completes no event included', async () => {
    const chunks = ['data: a', '\n\n', 'data: b\n\n']
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        const x = chunks.shift()
        if (x === undefined) c.close()
        else c.enqueue(encoder.encode(x))
      },
    })
    const it = readSSEBatches(body)[Symbol.asyncIterator]()
    const results = await Promise.all([it.next(), it.next(), it.next()])
    expect(results.map(data)).toEqual(['a', 'b', 'done'])
  })

  it('reads a one-slot chunk source one read at a time, so no read is lost', async () => {
    const waiting: ((r: { done: boolean; value?: string }) => void)[] = []
    const source: ChunkSource = {
      read: () => new Promise((resolve) => waiting.push(resolve)),
      cancel: async () => {},
    }
    const it = readSSEBatches(withChunkSource(new ReadableStream<Uint8Array>(), () => source))[Symbol.asyncIterator]()
    const first = it.next()
    const second = it.next()
    await new Promise((r) => setTimeout(r, 0))
    expect(waiting.length).toBe(1)
    waiting.shift()?.({ done: false, value: 'data: x\n\n' })
    expect(data(await first)).toBe('x')
    await new Promise((r) => setTimeout(r, 0))
    waiting.shift()?.({ done: false, value: 'data: y\n\n' })
    expect(data(await second)).toBe('y')
  })

  it('returned before its first next(): the body is neither locked nor canceled, and next() is done', async () => {
    let canceled = 0
    const body = new ReadableStream<Uint8Array>({
      cancel() {
        canceled++
      },
    })
    const it = readSSEBatches(body, new AbortController().signal, { firstByteTimeoutMs: 20 })[Symbol.asyncIterator]()
    await it.return?.()
    expect(await it.next()).toEqual({ done: true, value: undefined })
    await new Promise((r) => setTimeout(r, 40))
    expect(body.locked).toBe(false)
    expect(canceled).toBe(0)
  })
})
