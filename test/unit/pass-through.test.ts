// passThrough: a source opened at the first next(), its results handed on as they are, and `end` told exactly once
// when an opened source finishes, fails or is returned (the reader count of a run depends on it). mapThrough: the same
// reading with each item mapped, a first and a last item, a stop and a failure turned into an item, as the faces'
// streams use it in place of async generators.
import { describe, expect, it } from 'vitest'
import { mapThrough, passThrough } from '../../src/stream/index.js'

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

describe('mapThrough', () => {
  it('gives the first item before opening the source, each item mapped, then the last item', async () => {
    const calls: string[] = []
    const it = mapThrough(
      () => {
        calls.push('open')
        return count(2)
      },
      { first: () => 'first', map: (n) => `item ${n}`, last: () => 'last', end: () => calls.push('end') },
    )[Symbol.asyncIterator]()
    expect(await it.next()).toEqual({ done: false, value: 'first' })
    expect(calls).toEqual([])
    expect(await it.next()).toEqual({ done: false, value: 'item 1' })
    expect(await it.next()).toEqual({ done: false, value: 'item 2' })
    expect(calls).toEqual(['open'])
    expect(await it.next()).toEqual({ done: false, value: 'last' })
    expect(calls).toEqual(['open', 'end'])
    expect(await it.next()).toEqual({ done: true, value: undefined })
  })

  it('stops reading the source once `stop` says so: the source is returned and the last item follows', async () => {
    let closed = false
    async function* endless() {
      try {
        for (let i = 1; ; i++) yield i
      } finally {
        closed = true
      }
    }
    let seen = 0
    const out = await drain(mapThrough(endless, { map: (n) => (seen = n), stop: () => seen === 3, last: () => -1 }))
    expect(out).toEqual([1, 2, 3, -1])
    await new Promise((r) => setTimeout(r, 0))
    expect(closed).toBe(true)
  })

  it('turns a failure into one more item (the last one still follows), or ends there on undefined', async () => {
    const failed = mapThrough(() => count(1, new Error('broke')), {
      map: (n) => `item ${n}`,
      failed: (e) => `error: ${(e as Error).message}`,
      last: () => 'last',
    })
    expect(await drain(failed)).toEqual(['item 1', 'error: broke', 'last'])
    const quiet = mapThrough(() => count(1, new Error('gone')), {
      map: (n) => `item ${n}`,
      failed: () => undefined,
      last: () => 'last',
    })
    expect(await drain(quiet)).toEqual(['item 1'])
  })

  it('without `failed`, the failure reaches the reader (after `end`), and no last item goes out', async () => {
    const calls: string[] = []
    const source = mapThrough(() => count(1, new Error('broke')), {
      map: (n) => n * 10,
      last: () => 0,
      end: () => calls.push('end'),
    })
    const out: number[] = []
    await expect(
      (async () => {
        for await (const x of source) out.push(x)
      })(),
    ).rejects.toThrow('broke')
    expect(out).toEqual([10])
    expect(calls).toEqual(['end'])
  })

  it('a reader that returns early gets no last item, and the source is returned', async () => {
    let closed = false
    async function* endless() {
      try {
        for (let i = 1; ; i++) yield i
      } finally {
        closed = true
      }
    }
    const out: number[] = []
    for await (const x of mapThrough(endless, { map: (n) => n, last: () => -1 })) {
      out.push(x)
      if (x === 2) break
    }
    expect(out).toEqual([1, 2])
    expect(closed).toBe(true)
  })

  it("a map that throws lets the source go, tells end, and the failure goes to `failed` like the source's own", async () => {
    const calls: string[] = []
    async function* endless() {
      try {
        for (let i = 1; ; i++) yield i
      } finally {
        calls.push('source closed')
      }
    }
    const out = await drain(
      mapThrough(endless, {
        map: (n) => {
          if (n === 2) throw new Error('cannot map 2')
          return `item ${n}`
        },
        failed: (e) => `error: ${(e as Error).message}`,
        last: () => 'last',
        end: () => calls.push('end'),
      }),
    )
    expect(out).toEqual(['item 1', 'error: cannot map 2', 'last'])
    await new Promise((r) => setTimeout(r, 0))
    expect(calls.sort()).toEqual(['end', 'source closed'])
  })

  it('a source that fails to open goes to `failed` too; hooks that throw reject the step, never throw at once', async () => {
    const refused = mapThrough(
      async (): Promise<AsyncIterable<number>> => {
        throw new Error('not yours')
      },
      { map: (n) => n, failed: (e) => -1 * (e instanceof Error ? 1 : 0) },
    )
    expect(await drain(refused)).toEqual([-1])
    const it = mapThrough(() => count(1), {
      map: (n) => n,
      first: () => {
        throw new Error('no first')
      },
    })[Symbol.asyncIterator]()
    const step = it.next()
    expect(step).toBeInstanceOf(Promise)
    await expect(step).rejects.toThrow('no first')
  })

  it('a source whose next() throws instead of rejecting fails the reading the same way: end told once', async () => {
    let ends = 0
    let i = 0
    const source: AsyncIterable<number> = {
      [Symbol.asyncIterator]: () => ({
        next: () => {
          if (++i === 2) throw new Error('threw')
          return Promise.resolve({ done: false, value: i })
        },
      }),
    }
    const out: number[] = []
    await expect(
      (async () => {
        for await (const x of passThrough(
          () => source,
          () => ends++,
        ))
          out.push(x)
      })(),
    ).rejects.toThrow('threw')
    expect(out).toEqual([1])
    expect(ends).toBe(1)
  })
})
