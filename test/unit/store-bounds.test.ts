// The memory store is bounded in runs and documents, not only in events per run: past the cap the oldest finished
// run (or document) goes; when every run is still going a new one is refused with a 429, not memory without end.
import { describe, expect, it } from 'vitest'
import { BridgeError, initialRunState } from '../../src/core/index.js'
import type { RunRecord } from '../../src/store/index.js'
import { MemoryRunStore } from '../../src/store/index.js'

const record = (runId: string, at: number): RunRecord => ({
  runId,
  agentId: 'demo',
  contextId: `ctx_${runId}`,
  createdAt: at,
  updatedAt: at,
  background: false,
  state: initialRunState(),
})

const ids = async (store: MemoryRunStore) => (await store.listRuns({})).map((r) => r.runId).sort()

describe('store bounds', () => {
  it('past maxRuns the least recently changed finished run is forgotten', async () => {
    let now = 1_000
    const store = new MemoryRunStore({ maxRuns: 3, now: () => now })
    for (const id of ['a', 'b', 'c']) {
      await store.createRun(record(id, now))
      now += 10
    }
    // `b` finishes first, then `a`; `c` is still going.
    await store.append('b', { type: 'run.completed' })
    now += 10
    await store.append('a', { type: 'run.failed', error: { code: 'x', message: 'y' } })
    await store.createRun(record('d', now))
    expect(await ids(store)).toEqual(['a', 'c', 'd'])
    await store.createRun(record('e', now))
    expect(await ids(store)).toEqual(['c', 'd', 'e'])
  })

  it('when every run is still going, a new one is refused with rate_limited (429)', async () => {
    const store = new MemoryRunStore({ maxRuns: 2 })
    await store.createRun(record('a', 1))
    await store.createRun(record('b', 2))
    const error = await store.createRun(record('c', 3)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(BridgeError)
    expect(error).toMatchObject({ code: 'rate_limited', status: 429, wireCode: 'resource_exhausted' })
    expect(await ids(store)).toEqual(['a', 'b'])
  })

  it('a finished run that a reader is still reading is kept', async () => {
    const store = new MemoryRunStore({ maxRuns: 1 })
    await store.createRun(record('a', 1))
    await store.append('a', { type: 'run.completed' })
    const reader = store.read('a', 0, { follow: true })[Symbol.asyncIterator]()
    await reader.next()
    await expect(store.createRun(record('b', 2))).rejects.toMatchObject({ code: 'rate_limited' })
    await reader.return?.(undefined)
    await store.createRun(record('b', 2))
    expect(await ids(store)).toEqual(['b'])
  })

  it('past maxRuns a finished run being read is passed over for the next one to have finished', async () => {
    const store = new MemoryRunStore({ maxRuns: 3 })
    for (const id of ['a', 'b', 'c']) await store.createRun(record(id, 1))
    await store.append('c', { type: 'run.completed' })
    await store.append('a', { type: 'run.completed' })
    const reader = store.read('c', 0, { follow: true })[Symbol.asyncIterator]()
    await reader.next()
    await store.createRun(record('d', 2))
    expect(await ids(store)).toEqual(['b', 'c', 'd'])
    await reader.return?.(undefined)
    await store.append('b', { type: 'run.completed' })
    await store.createRun(record('e', 3))
    expect(await ids(store)).toEqual(['b', 'd', 'e'])
  })

  it('past maxDocs the oldest document goes; histories are bounded the same way', async () => {
    const store = new MemoryRunStore({ maxDocs: 2 })
    await store.putDoc('ns', 'one', 1)
    await store.putDoc('ns', 'two', 2)
    await store.putDoc('ns', 'one', 11) // rewritten: now the newest
    await store.putDoc('ns', 'three', 3)
    expect(await store.listDocs('ns')).toEqual([11, 3])
    for (const ctx of ['x', 'y', 'z']) await store.appendHistory(ctx, [{ id: ctx, role: 'user', parts: [] }])
    expect(await store.getHistory('x')).toEqual([])
    expect((await store.getHistory('z')).map((m) => m.id)).toEqual(['z'])
  })

  it('after the TTL nothing is left: runs, histories, documents', async () => {
    let now = 0
    const store = new MemoryRunStore({ ttlMs: 1_000, now: () => now })
    for (let i = 0; i < 50; i++) {
      await store.createRun(record(`r${i}`, now))
      await store.append(`r${i}`, { type: 'run.completed' })
      await store.putDoc('ns', `k${i}`, i)
      await store.appendHistory(`c${i}`, [{ id: `m${i}`, role: 'user', parts: [] }])
    }
    expect(await store.listRuns({})).toHaveLength(50)
    now += 60_001
    expect(await store.listRuns({})).toEqual([])
    expect(await store.listDocs('ns')).toEqual([])
    expect(await store.getHistory('c0')).toEqual([])
  })
})
