// The Durable Object hosts as plain classes over an in-memory stand-in for Durable Object storage: what survives
// a restart, what the TTL alarm deletes, what the bounded log keeps. (test/worker runs them in workerd for real.)
import { describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/core/index.js'
import { BridgeError } from '../../src/core/index.js'
import { AgentRegistry } from '../../src/bridge/index.js'
import { createDemoAgent } from '../../src/demo/index.js'
import type { DurableLimits, DurableObjects, ObjectStorage } from '../../src/edge/index.js'
import { DirectoryHost, DurableRuns, DurableRunStore, RunHost, ValueHost } from '../../src/edge/index.js'

class FakeStorage implements ObjectStorage {
  readonly data = new Map<string, unknown>()
  alarm: number | null = null
  async get<T>(key: string) {
    return structuredClone(this.data.get(key)) as T | undefined
  }
  async list<T>({ prefix }: { prefix: string }) {
    const keys = [...this.data.keys()].filter((k) => k.startsWith(prefix)).sort()
    return new Map(keys.map((k) => [k, structuredClone(this.data.get(k)) as T]))
  }
  async put(entries: Record<string, unknown>) {
    for (const [k, v] of Object.entries(entries)) this.data.set(k, structuredClone(v))
  }
  async delete(keys: string[]) {
    return keys.filter((k) => this.data.delete(k)).length
  }
  async deleteAll() {
    this.data.clear()
  }
  async setAlarm(time: number) {
    this.alarm = time
  }
  async deleteAlarm() {
    this.alarm = null
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A world of objects, each host over its own storage, addressed by name as the worker's namespaces do. */
function world(limits: Partial<DurableLimits> = {}, delayMs = 0) {
  let now = 1_000_000
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) }
  const full: DurableLimits = { maxEventsPerRun: 10_000, maxHistory: 500, ttlMs: 60_000, ...limits }
  const storages = new Map<string, FakeStorage>()
  const storage = (name: string) => storages.get(name) ?? storages.set(name, new FakeStorage()).get(name)!
  const runs = new Map<string, RunHost>()
  const values = new Map<string, ValueHost>()
  const directory = new DirectoryHost(storage('directory'))
  const agents = () => new AgentRegistry([{ id: 'demo', backend: createDemoAgent({ delayMs }) }])
  const newRunHost = (runId: string) =>
    new RunHost({ storage: storage(`run:${runId}`), objects, limits: full, agents, now: clock.now })
  const objects: DurableObjects = {
    run: (runId) => runs.get(runId) ?? runs.set(runId, newRunHost(runId)).get(runId)!,
    value: (name) =>
      values.get(name) ?? values.set(name, new ValueHost(storage(`value:${name}`), objects, clock.now)).get(name)!,
    directory: () => directory,
  }
  /** The object is evicted and wakes up again: a new host over the same storage. */
  const restart = (runId: string) => {
    const host = newRunHost(runId)
    runs.set(runId, host)
    return host
  }
  const store = new DurableRunStore(objects, full)
  return {
    clock,
    storage,
    objects,
    store,
    runs: new DurableRuns(objects, agents()),
    restart,
    runHost: (id: string) => runs.get(id)!,
  }
}

const input = (text: string) => ({
  input: [{ id: crypto.randomUUID(), role: 'user' as const, parts: [{ type: 'text' as const, text }] }],
})

async function all(source: AsyncIterable<RunEvent[]>): Promise<RunEvent[]> {
  const out: RunEvent[] = []
  for await (const batch of source) out.push(...batch)
  return out
}

const textOf = (events: RunEvent[]) => events.map((e) => (e.type === 'message.delta' ? e.delta : '')).join('')
const seqs = (events: RunEvent[]) => events.map((e) => e.seq)

describe('Durable Object hosts', () => {
  it('a run driven in its object streams to a reader, is listed by the directory, and its turn joins the history', async () => {
    const w = world()
    const { record, afterSeq } = await w.runs.start('demo', input('my name is Ada'))
    const events = await all(w.runs.events(record.runId, afterSeq))
    expect(textOf(events)).toBe('Nice to meet you, Ada.')
    expect(events.at(-1)?.type).toBe('run.completed')
    expect((await w.store.listRuns({ contextId: record.contextId })).map((r) => r.runId)).toEqual([record.runId])
    await sleep(5)
    const history = await w.store.getHistory(record.contextId)
    expect(history.map((m) => m.role)).toEqual(['user', 'assistant'])
  })

  it('an unknown run is not_found, through calls and through a read', async () => {
    const w = world()
    await expect(w.runs.get('run_nope')).rejects.toMatchObject({ code: 'not_found' })
    await expect(all(w.runs.events('run_nope', 0))).rejects.toBeInstanceOf(BridgeError)
    await expect(w.runs.cancel('run_nope')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('a finished run survives a restart of its object: same log, same record, still sealed', async () => {
    const w = world()
    const { record } = await w.runs.start('demo', input('count to 5'))
    const before = await all(w.runs.events(record.runId, 0))
    await sleep(5) // the write-behind catches up
    w.restart(record.runId)
    const after = await all(w.store.read(record.runId, 0))
    expect(after).toEqual(before)
    expect((await w.store.getRun(record.runId))?.state.status).toBe('completed')
    await expect(w.store.append(record.runId, { type: 'run.completed' })).rejects.toMatchObject({ code: 'conflict' })
  })

  it('a turn cut off by a restart ends failed ("interrupted") after the events that were persisted, no gap', async () => {
    const w = world({}, 5)
    const { record } = await w.runs.start('demo', input('count to 200'))
    const seen: RunEvent[] = []
    for await (const batch of w.runs.events(record.runId, 0)) {
      seen.push(...batch)
      if (seen.length > 20) break
    }
    await sleep(20)
    w.restart(record.runId)
    const restored = await all(w.store.read(record.runId, 0))
    expect(seqs(restored)).toEqual(restored.map((_, i) => i + 1))
    expect(restored.length).toBeGreaterThan(seen.length)
    expect(restored.slice(0, seen.length)).toEqual(seen)
    const last = restored.at(-1)
    expect(last?.type).toBe('run.failed')
    expect(last?.type === 'run.failed' && last.error.code).toBe('interrupted')
    expect((await w.store.getRun(record.runId))?.state.status).toBe('failed')
  })

  it('a paused run (input required) survives a restart and can still be resumed', async () => {
    const w = world()
    const { record } = await w.runs.start('demo', input('deploy to production'))
    for await (const batch of w.runs.events(record.runId, 0))
      if (batch.some((e) => e.type === 'run.status' && e.status === 'input_required')) break
    expect((await w.runs.get(record.runId)).state.status).toBe('input_required')
    await sleep(5)
    w.restart(record.runId)
    const pending = (await w.runs.get(record.runId)).state.pending
    expect(pending).toBeDefined()
    const resumed = await w.runs.resume(record.runId, {
      input: [],
      resume: { interruptId: pending!.interruptId, payload: { approved: true } },
    })
    const events = await all(w.runs.events(record.runId, resumed.afterSeq))
    expect(events.at(-1)?.type).toBe('run.completed')
    expect(textOf(events)).toMatch(/deploy/i)
  })

  it('the log is bounded in storage too: only the last maxEventsPerRun events are kept', async () => {
    const w = world({ maxEventsPerRun: 8 })
    const { record } = await w.runs.start('demo', input('count to 30'))
    const live = await all(w.runs.events(record.runId, 0))
    await sleep(5)
    const stored = [...w.storage(`run:${record.runId}`).data.keys()].filter((k) => k.startsWith('e:'))
    expect(stored).toHaveLength(8)
    await expect(all(w.store.read(record.runId, 0))).rejects.toMatchObject({ code: 'too_far_behind' })
    const tail = await all(w.store.read(record.runId, live.length - 8))
    expect(tail).toEqual(live.slice(-8))
  })

  it('the alarm keeps an active run alive, then deletes the run at its TTL and drops it from the directory', async () => {
    const w = world({ ttlMs: 60_000 }, 5)
    const { record } = await w.runs.start('demo', input('count to 20'))
    const host = w.runHost(record.runId)
    const storage = w.storage(`run:${record.runId}`)
    expect(storage.alarm).not.toBeNull()
    w.clock.advance(120_000)
    await host.alarm() // still producing: a heartbeat, not a deletion
    expect(await w.store.getRun(record.runId)).toBeDefined()
    await all(w.runs.events(record.runId, 0))
    await sleep(5)
    await host.alarm()
    expect(await w.store.getRun(record.runId)).toBeDefined() // untouched for less than the TTL
    expect(storage.alarm).toBe((await w.store.getRun(record.runId))!.updatedAt + 60_000)
    w.clock.advance(61_000)
    await host.alarm()
    expect(await w.store.getRun(record.runId)).toBeUndefined()
    expect(storage.data.size).toBe(0)
    expect(await w.store.listRuns({})).toEqual([])
  })

  it('documents and histories expire at their TTL; listDocs lists only live documents', async () => {
    const w = world({ ttlMs: 1_000 })
    await w.store.putDoc('threads', 'a', { id: 'a' })
    w.clock.advance(600)
    await w.store.putDoc('threads', 'b', { id: 'b' })
    await w.store.appendHistory('ctx', [{ id: 'm', role: 'user', parts: [{ type: 'text', text: 'hi' }] }])
    expect((await w.store.listDocs<{ id: string }>('threads')).map((d) => d.id).sort()).toEqual(['a', 'b'])
    w.clock.advance(500)
    expect(await w.store.getDoc('threads', 'a')).toBeUndefined()
    expect((await w.store.listDocs<{ id: string }>('threads')).map((d) => d.id)).toEqual(['b'])
    expect(await w.store.getHistory('ctx')).toHaveLength(1)
    w.clock.advance(1_000)
    await (w.objects.value('history:ctx') as ValueHost).alarm()
    expect(await w.store.getHistory('ctx')).toEqual([])
    await w.store.deleteDoc('threads', 'b')
    expect(await w.store.listDocs('threads')).toEqual([])
  })

  it("a reader that leaves is released in the run's object: a disconnect cancels under the `cancel` policy", async () => {
    const w = world({}, 5)
    const agents = new AgentRegistry([{ id: 'demo', backend: createDemoAgent({ delayMs: 5 }), disconnect: 'cancel' }])
    const objects = w.objects
    const hostOf = (runId: string) => objects.run(runId) as RunHost
    // The hosts of this world use the `continue` default; build one whose agent cancels on disconnect.
    const runId = 'run_fragile'
    const host = new RunHost({
      storage: w.storage(`run:${runId}`),
      objects,
      limits: { maxEventsPerRun: 100, maxHistory: 10, ttlMs: 60_000 },
      agents: () => agents,
    })
    ;(objects as { run: (id: string) => unknown }).run = (id: string) => (id === runId ? host : hostOf(id))
    const runs = new DurableRuns(objects, agents)
    await runs.start('demo', input('count to 500'), { runId })
    const disconnect = new AbortController()
    for await (const batch of runs.events(runId, 0, { signal: disconnect.signal })) {
      if (batch.some((e) => e.type === 'message.delta')) break
    }
    // Stopping on its own is not a disconnect: the run goes on.
    await sleep(30)
    expect((await runs.get(runId)).state.status).toBe('working')
    const again = runs.events(runId, 0, { signal: disconnect.signal })
    await again.next()
    disconnect.abort()
    await again.return(undefined)
    let status = ''
    for (let i = 0; i < 100 && status !== 'canceled'; i++) {
      await sleep(20)
      status = (await runs.get(runId)).state.status
    }
    expect(status).toBe('canceled')
  })
})

describe('the run cap at the edge (maxRuns, as in Node)', () => {
  const registry = (delayMs: number) => new AgentRegistry([{ id: 'demo', backend: createDemoAgent({ delayMs }) }])

  it('past the cap the oldest finished run goes, and the directory no longer lists it', async () => {
    const w = world()
    const runs = new DurableRuns(w.objects, registry(0), 2)
    const ids: string[] = []
    for (const text of ['one', 'two', 'three']) {
      const { record, afterSeq } = await runs.start('demo', input(text))
      await all(runs.events(record.runId, afterSeq))
      ids.push(record.runId)
    }
    expect((await w.store.listRuns({})).map((r) => r.runId).sort()).toEqual([ids[1], ids[2]].sort())
    await expect(runs.get(ids[0] ?? '')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('when every run is still going, a new one is refused with rate_limited (429) and nothing is evicted', async () => {
    const w = world({}, 50)
    const runs = new DurableRuns(w.objects, registry(50), 2)
    const going = [await runs.start('demo', input('count to 500')), await runs.start('demo', input('count to 500'))]
    const refused = await runs.start('demo', input('hello')).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(BridgeError)
    expect(refused).toMatchObject({ code: 'rate_limited', status: 429 })
    for (const { record } of going) expect((await runs.get(record.runId)).state.status).toBe('working')
    for (const { record } of going) await runs.cancel(record.runId)
  })
})
