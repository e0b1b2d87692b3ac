// passThrough: a source opened at the first next(), its results handed on as they are, and `end` told exactly once
// when an opened source finishes, fails or is returned (the reader count of a run depends on it).
import { describe, expect, it } from 'vitest'
import { passThrough } from '../../src/stream/index.js'

async function* count(n: number, fail?: Error) {
  for (let i = 1; i <= n; i++) yield i
  if (fail) throw fail
}

const drain = async <T>(source: AsyncIterable<T>) => {
  const out: T[] = []
  for await (const x of source) out.push(x)
  return out
}

describe('passThrough', () => {
  it('opens the source at the first next(), hands on its items, and ends once when it is done', async () => {
    const calls: string[] = []
    const source = passThrough(
      () => {
        calls.push('open')
        return count(3)
      },
      () => calls.push('end'),
    )
    const it = source[Symbol.asyncIterator]()
    expect(calls).toEqual([])
    expect(await it.next()).toEqual({ done: false, value: 1 })
    expect(calls).toEqual(['open'])
    expect(await it.next()).toEqual({ done: false, value: 2 })
    expect(await it.next()).toEqual({ done: false, value: 3 })
    expect(calls).toEqual(['open'])
    expect(await it.next()).toEqual({ done: true, value: undefined })
    expect(await it.next()).toEqual({ done: true, value: undefined })
    expect(calls).toEqual(['open', 'end'])
  })

  it('waits for an async open, and a failed open rejects the first next() without an end', async () => {
    let ends = 0
    expect(
      await drain(
        passThrough(
          async () => count(2),
          () => ends++,
        ),
      ),
    ).toEqual([1, 2])
    expect(ends).toBe(1)
    const refused = passThrough(
      async () => {
        throw new Error('not yours')
      },
      () => ends++,
    )
    await expect(drain(refused)).rejects.toThrow('not yours')
    expect(ends).toBe(1)
  })

  it('ends once when the source fails, and the failure reaches the reader', async () => {
    let ends = 0
    await expect(
      drain(
        passThrough(
          () => count(2, new Error('broke')),
          () => ends++,
        ),
      ),
    ).rejects.toThrow('broke')
    expect(ends).toBe(1)
  })

  it('a reader that stops early returns the source (its finally runs) and ends once', async () => {
    let ends = 0
    let closed = false
    async function* endless() {
      try {
        for (let i = 0; ; i++) yield i
      } finally {
        closed = true
      }
    }
    for await (const x of passThrough(endless, () => ends++)) if (x === 2) break
    expect(closed).toBe(true)
    expect(ends).toBe(1)
  })

  it('returned before it was ever read: nothing opened, nothing ended', async () => {
    let opened = false
    let ends = 0
    const it = passThrough(
      () => {
        opened = true
        return count(1)
      },
      () => ends++,
    )[Symbol.asyncIterator]()
    expect(await it.return?.()).toEqual({ done: true, value: undefined })
    expect(await it.next()).toEqual({ done: true, value: undefined })
    expect(opened).toBe(false)
    expect(ends).toBe(0)
  })
})
