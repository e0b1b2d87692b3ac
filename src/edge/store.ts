import type { AgentEvent, Message, RunEvent, RunInput } from '../core/index.js'
import { BridgeError, isTerminalStatus, newId } from '../core/index.js'
import { DEFAULT_MAX_RUNS, tooManyRuns } from '../store/memory.js'
import type { ReadRunOptions, RunService, StartOptions } from '../bridge/runs.js'
import type { AgentRegistry } from '../bridge/registry.js'
import type { ReadOptions, RunQuery, RunRecord, RunStore } from '../store/types.js'
import type { DurableObjects } from './protocol.js'
import { lifeline, readBatches, unwrap } from './protocol.js'

export interface DurableLimits {
  /** Events kept per run. Default 10 000. */
  maxEventsPerRun: number
  /** Messages kept per conversation. Default 500. */
  maxHistory: number
  /** Runs, histories and documents are deleted this long after their last change. Default one hour. */
  ttlMs: number
}

export const DEFAULT_LIMITS: DurableLimits = { maxEventsPerRun: 10_000, maxHistory: 500, ttlMs: 60 * 60 * 1000 }

export const historyName = (contextId: string) => `history:${contextId}`
export const docName = (namespace: string, key: string) => `doc:${JSON.stringify([namespace, key])}`

async function* readFrom(
  objects: DurableObjects,
  runId: string,
  afterSeq: number,
  follow: boolean,
  reader: boolean,
  signal?: AbortSignal,
) {
  const line = lifeline()
  yield* readBatches(await objects.run(runId).read(runId, afterSeq, follow, reader, line.readable), signal, line.leave)
}

/**
 * The RunStore at the edge: every call goes to the Durable Object that owns the data: the run's own object for its
 * record and log, one object per conversation history and per document, and the directory for listings.
 */
export class DurableRunStore implements RunStore {
  constructor(
    private readonly objects: DurableObjects,
    private readonly limits: DurableLimits = DEFAULT_LIMITS,
  ) {}

  async createRun(record: RunRecord): Promise<void> {
    unwrap(await this.objects.run(record.runId).createRun(record))
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.objects.run(runId).getRun(runId)
  }

  async listRuns(query: RunQuery): Promise<RunRecord[]> {
    const ids = await this.objects.directory().queryRuns(query)
    const records = await Promise.all(ids.map((id) => this.getRun(id)))
    return records.filter((r): r is RunRecord => r !== undefined)
  }

  deleteRun(runId: string): Promise<void> {
    return this.objects.run(runId).deleteRun(runId)
  }

  async append(runId: string, event: AgentEvent): Promise<RunEvent> {
    return unwrap(await this.objects.run(runId).append(runId, event))
  }

  async *read(runId: string, afterSeq: number, options: ReadOptions = {}): AsyncGenerator<RunEvent[]> {
    yield* readFrom(this.objects, runId, afterSeq, options.follow ?? false, false, options.signal)
  }

  async getHistory(contextId: string): Promise<Message[]> {
    return ((await this.objects.value(historyName(contextId)).get()) as Message[] | undefined) ?? []
  }

  appendHistory(contextId: string, messages: Message[]): Promise<void> {
    return this.objects.value(historyName(contextId)).append(messages, this.limits.maxHistory, this.limits.ttlMs)
  }

  deleteHistory(contextId: string): Promise<void> {
    return this.objects.value(historyName(contextId)).delete()
  }

  async getDoc<T>(namespace: string, key: string): Promise<T | undefined> {
    return (await this.objects.value(docName(namespace, key)).get()) as T | undefined
  }

  async listDocs<T>(namespace: string): Promise<T[]> {
    const keys = await this.objects.directory().docKeys(namespace)
    const docs = await Promise.all(keys.map((key) => this.getDoc<T>(namespace, key)))
    return docs.filter((d): d is Awaited<T> => d !== undefined) as T[]
  }

  putDoc<T>(namespace: string, key: string, value: T): Promise<void> {
    return this.objects.value(docName(namespace, key)).put(value, this.limits.ttlMs, { namespace, key })
  }

  deleteDoc(namespace: string, key: string): Promise<void> {
    return this.objects.value(docName(namespace, key)).delete()
  }
}

/**
 * Runs at the edge: each run is driven inside its own Durable Object (which outlives any one request, so a
 * background run keeps going), and every client stream reads that object's log.
 */
export class DurableRuns implements RunService {
  constructor(
    private readonly objects: DurableObjects,
    private readonly agents: AgentRegistry,
    /** Runs kept at most, as `maxRuns` in Node. Objects in other isolates start runs too: a cap, not an exact count. */
    private readonly maxRuns = DEFAULT_MAX_RUNS,
  ) {}

  async start(agentId: string, input: RunInput, options: StartOptions = {}) {
    // Refused here, before a run object is woken for nothing.
    this.agents.require(agentId)
    await this.#makeRoom()
    const runId = options.runId ?? newId('run')
    return unwrap(await this.objects.run(runId).start(runId, agentId, input, { ...options, runId }))
  }

  async resume(runId: string, input: RunInput) {
    return unwrap(await this.objects.run(runId).resume(runId, input))
  }

  async get(runId: string): Promise<RunRecord> {
    const record = await this.objects.run(runId).getRun(runId)
    if (!record) throw new BridgeError('not_found', `No run ${runId}.`)
    return record
  }

  async cancel(runId: string, reason?: string): Promise<RunRecord> {
    return unwrap(await this.objects.run(runId).cancel(runId, reason))
  }

  async *events(runId: string, afterSeq: number, options: ReadRunOptions = {}): AsyncGenerator<RunEvent[]> {
    yield* readFrom(this.objects, runId, afterSeq, options.follow ?? true, true, options.signal)
  }

  /** Runs live in their objects, not in this isolate: nothing to stop. */
  async close(): Promise<void> {}

  /** Room for one more run, as in Node: past the cap the oldest finished runs go; if every run is going, a 429. */
  async #makeRoom(): Promise<void> {
    const ids = await this.objects.directory().queryRuns({})
    let over = ids.length - this.maxRuns + 1
    if (over <= 0) return
    // The directory lists newest first; the oldest go first.
    for (const runId of ids.reverse()) {
      const record = await this.objects.run(runId).getRun(runId)
      if (record && !isTerminalStatus(record.state.status)) continue
      await this.objects.run(runId).deleteRun(runId)
      if (--over <= 0) return
    }
    throw tooManyRuns(this.maxRuns)
  }
}
