import type { AgentEvent, Message, RunEvent, RunInput } from '../core/index.js'
import { applyEvent, BridgeError, isTerminal, isTerminalStatus } from '../core/index.js'
import type { AgentRegistry } from '../bridge/registry.js'
import type { RunLogger, StartOptions } from '../bridge/runs.js'
import { RunManager } from '../bridge/runs.js'
import { MemoryRunStore } from '../store/memory.js'
import type { ReadOptions, RunQuery, RunRecord, RunStore } from '../store/types.js'
import type { DurableObjects, Outcome, RunObjectApi, Started } from './protocol.js'
import { batchStream, outcome, unwrap, watchLifeline } from './protocol.js'
import type { ObjectStorage } from './storage.js'
import type { DurableLimits } from './store.js'
import { DurableRunStore } from './store.js'

export interface RunHostOptions {
  storage: ObjectStorage
  objects: DurableObjects
  limits: DurableLimits
  /** The agents, their backends built over the store they are given (this host's). */
  agents: (store: RunStore) => AgentRegistry
  log?: RunLogger
  now?: () => number
}

const RECORD = 'record'
const eventKey = (seq: number) => `e:${String(seq).padStart(12, '0')}`
/** While a turn is being produced the object wakes itself this often, so it is never taken for idle and evicted. */
const HEARTBEAT_MS = 30_000

/**
 * One run's Durable Object: it drives the run's turns (a RunManager of its own, so a run outlives the request that
 * started it) and serves its log to every reader from memory. The log and record are written behind to storage
 * (never awaited on the event path), to be read back if the object restarts; an alarm deletes the run at its TTL.
 */
export class RunHost implements RunObjectApi {
  readonly #storage: ObjectStorage
  readonly #objects: DurableObjects
  readonly #limits: DurableLimits
  readonly #log: RunLogger
  readonly #now: () => number
  readonly #local: MemoryRunStore
  readonly #manager: RunManager
  readonly ready: Promise<void>
  #runId?: string
  #alarmAt?: number
  #recordFlush?: Promise<void>

  constructor(options: RunHostOptions) {
    this.#storage = options.storage
    this.#objects = options.objects
    this.#limits = options.limits
    this.#log = options.log ?? (() => {})
    this.#now = options.now ?? Date.now
    // Expiry is the alarm's job here, not the memory store's.
    this.#local = new MemoryRunStore({
      maxEventsPerRun: options.limits.maxEventsPerRun,
      ttlMs: Number.POSITIVE_INFINITY,
      now: this.#now,
    })
    const store = new HostedRunStore(this, new DurableRunStore(options.objects, options.limits))
    this.#manager = new RunManager(store, options.agents(store), this.#log)
    this.ready = this.#load()
  }

  /** Whether `runId` is the run this object hosts (or is about to). */
  hosts(runId: string): boolean {
    return this.#runId === runId
  }

  async createRun(record: RunRecord): Promise<Outcome<void>> {
    return outcome(() => this.#create(record))
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    await this.ready
    return this.hosts(runId) ? this.#local.getRun(runId) : undefined
  }

  async deleteRun(runId: string): Promise<void> {
    await this.ready
    if (!this.hosts(runId)) return
    await this.#local.deleteRun(runId)
    this.#runId = undefined
    this.#alarmAt = undefined
    await this.#storage.deleteAll()
    await this.#storage.deleteAlarm()
    await this.#objects.directory().unindexRun(runId)
  }

  async append(runId: string, event: AgentEvent): Promise<Outcome<RunEvent>> {
    return outcome(() => this.#append(runId, event))
  }

  async read(
    runId: string,
    afterSeq: number,
    follow: boolean,
    reader: boolean,
    lifeline: ReadableStream<Uint8Array>,
  ): Promise<ReadableStream<Uint8Array>> {
    await this.ready
    const read = batchStream(({ signal, stop }) =>
      reader
        ? this.#manager.events(runId, afterSeq, { signal, stop, follow })
        : this.readLocal(runId, afterSeq, { signal: AbortSignal.any([signal, stop]), follow }),
    )
    void watchLifeline(lifeline, (disconnect) => read.release(disconnect))
    return read.stream
  }

  async start(runId: string, agentId: string, input: RunInput, options: StartOptions): Promise<Outcome<Started>> {
    await this.ready
    return outcome(() => this.#manager.start(agentId, input, { ...options, runId }))
  }

  async resume(runId: string, input: RunInput): Promise<Outcome<Started>> {
    await this.ready
    return outcome(() => this.#manager.resume(runId, input))
  }

  async cancel(runId: string, reason?: string): Promise<Outcome<RunRecord>> {
    await this.ready
    return outcome(() => this.#manager.cancel(runId, reason))
  }

  /** Heartbeat while a turn is produced; otherwise the TTL: the run is deleted once untouched for that long. */
  async alarm(): Promise<void> {
    await this.ready
    this.#alarmAt = undefined
    const runId = this.#runId
    const record = runId ? await this.#local.getRun(runId) : undefined
    if (!runId || !record) {
      await this.#storage.deleteAll()
      return
    }
    const now = this.#now()
    if (this.#manager.active(runId)) return this.#arm(now + HEARTBEAT_MS)
    const expiresAt = record.updatedAt + this.#limits.ttlMs
    if (now >= expiresAt) return this.deleteRun(runId)
    this.#arm(expiresAt)
  }

  async #create(record: RunRecord) {
    await this.ready
    if (this.#runId) throw new BridgeError('conflict', `Run ${record.runId} already exists.`)
    this.#runId = record.runId
    await this.#local.createRun(record)
    await this.#storage.put({ [RECORD]: record })
    await this.#objects.directory().indexRun({
      runId: record.runId,
      agentId: record.agentId,
      contextId: record.contextId,
      createdAt: record.createdAt,
    })
    this.#arm(this.#now() + HEARTBEAT_MS)
  }

  async #append(runId: string, event: AgentEvent): Promise<RunEvent> {
    await this.ready
    if (!this.hosts(runId)) throw new BridgeError('not_found', `No run ${runId}.`)
    const stamped = await this.#local.append(runId, event)
    this.#persist(stamped)
    return stamped
  }

  /** This run's log straight from memory (no reader counted). */
  async *readLocal(runId: string, afterSeq: number, options: ReadOptions = {}): AsyncGenerator<RunEvent[]> {
    if (!this.hosts(runId)) throw new BridgeError('not_found', `No run ${runId}.`)
    yield* this.#local.read(runId, afterSeq, options)
  }

  /** Write-behind: the event is already in memory and on its way to readers; storage catches up unconfirmed. */
  #persist(event: RunEvent) {
    const writes: Promise<unknown>[] = [this.#storage.put({ [eventKey(event.seq)]: event }, { allowUnconfirmed: true })]
    const evicted = event.seq - this.#limits.maxEventsPerRun
    if (evicted > 0) writes.push(this.#storage.delete([eventKey(evicted)]))
    // The record is rewritten once per burst of events (a restart folds any newer events back in).
    if (isTerminal(event)) void this.#flushRecord()
    else this.#recordFlush ??= new Promise((resolve) => setTimeout(resolve, 0)).then(() => this.#flushRecord())
    if (this.#alarmAt === undefined) this.#arm(this.#now() + HEARTBEAT_MS)
    for (const write of writes) write.catch((e) => this.#log(`run ${event.runId}: event ${event.seq} not persisted`, e))
  }

  async #flushRecord() {
    this.#recordFlush = undefined
    const record = this.#runId ? await this.#local.getRun(this.#runId) : undefined
    if (record)
      await this.#storage
        .put({ [RECORD]: record }, { allowUnconfirmed: true })
        .catch((e) => this.#log(`run ${record.runId}: record not persisted`, e))
  }

  #arm(at: number) {
    this.#alarmAt = at
    void this.#storage.setAlarm(at).catch((e) => this.#log('alarm not set', e))
  }

  /** Wakes a run that was persisted: a turn that was being produced when the object stopped is failed, not lost. */
  async #load() {
    const record = await this.#storage.get<RunRecord>(RECORD)
    if (!record) return
    const events = [...(await this.#storage.list<RunEvent>({ prefix: 'e:' })).values()]
    for (const e of events) {
      if (e.seq <= record.state.lastSeq) continue
      applyEvent(record.state, e, e.seq)
      record.updatedAt = e.time
    }
    this.#local.restoreRun(record, events)
    this.#runId = record.runId
    const status = record.state.status
    if (!isTerminalStatus(status) && status !== 'input_required') {
      const stamped = await this.#local.append(record.runId, {
        type: 'run.failed',
        error: { code: 'interrupted', message: 'The run was interrupted: the object that hosted it restarted.' },
      })
      this.#persist(stamped)
    }
    this.#arm(this.#now() + HEARTBEAT_MS)
  }
}

/** The store a hosted run's manager and backends see: this run from the host's memory, the rest from the objects. */
class HostedRunStore implements RunStore {
  constructor(
    private readonly host: RunHost,
    private readonly remote: DurableRunStore,
  ) {}

  async createRun(record: RunRecord): Promise<void> {
    unwrap(await this.host.createRun(record))
  }

  getRun(runId: string): Promise<RunRecord | undefined> {
    return this.host.hosts(runId) ? this.host.getRun(runId) : this.remote.getRun(runId)
  }

  listRuns(query: RunQuery): Promise<RunRecord[]> {
    return this.remote.listRuns(query)
  }

  deleteRun(runId: string): Promise<void> {
    return this.host.hosts(runId) ? this.host.deleteRun(runId) : this.remote.deleteRun(runId)
  }

  async append(runId: string, event: AgentEvent): Promise<RunEvent> {
    if (!this.host.hosts(runId)) return this.remote.append(runId, event)
    return unwrap(await this.host.append(runId, event))
  }

  async *read(runId: string, afterSeq: number, options?: ReadOptions): AsyncGenerator<RunEvent[]> {
    yield* this.host.hosts(runId)
      ? this.host.readLocal(runId, afterSeq, options)
      : this.remote.read(runId, afterSeq, options)
  }

  getHistory(contextId: string): Promise<Message[]> {
    return this.remote.getHistory(contextId)
  }

  appendHistory(contextId: string, messages: Message[]): Promise<void> {
    return this.remote.appendHistory(contextId, messages)
  }

  deleteHistory(contextId: string): Promise<void> {
    return this.remote.deleteHistory(contextId)
  }

  getDoc<T>(namespace: string, key: string): Promise<T | undefined> {
    return this.remote.getDoc<T>(namespace, key)
  }

  listDocs<T>(namespace: string): Promise<T[]> {
    return this.remote.listDocs<T>(namespace)
  }

  putDoc<T>(namespace: string, key: string, value: T): Promise<void> {
    return this.remote.putDoc(namespace, key, value)
  }

  deleteDoc(namespace: string, key: string): Promise<void> {
    return this.remote.deleteDoc(namespace, key)
  }
}
