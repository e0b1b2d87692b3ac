// Who a request is for: each API key is a principal, and a principal sees only what it made. Faces work over a view of
// the run service and the store that holds the principal's own runs, conversations and documents; another
// principal's run reads as not found (in the dialect's own format), as if it did not exist.
import type { AgentEvent, Message, RunEvent, RunInput } from '../core/index.js'
import { BridgeError } from '../core/index.js'
import type { ReadOptions, RunQuery, RunRecord, RunStore } from '../store/index.js'
import { passThrough } from '../stream/index.js'
import type { ReadRunOptions, RunService, StartOptions } from './runs.js'

/** The one principal of a bridge without API keys (local use). */
export const ANONYMOUS = 'anonymous'

const notFound = (runId: string) => new BridgeError('not_found', `No run ${runId}.`)
const owns = (record: RunRecord | undefined, principal: string) =>
  record !== undefined && (record.owner ?? ANONYMOUS) === principal
/** Documents live in a namespace of their principal's own: one principal's id cannot name another's document. */
const docs = (namespace: string, principal: string) => `${namespace}@${principal}`
/**
 * Who first used a conversation, in a namespace no principal's own can name: a conversation stays its first user's
 * even when its runs have expired or been deleted and only its history is left.
 */
const CONVERSATION_OWNERS = 'conversation-owner'

/** The store as one principal sees it: its runs, and its documents. Conversation histories are the runs' own. */
export class OwnedStore implements RunStore {
  constructor(
    private readonly store: RunStore,
    readonly principal: string,
  ) {}

  async createRun(record: RunRecord): Promise<void> {
    await this.store.createRun({ ...record, owner: this.principal })
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const record = await this.store.getRun(runId)
    return owns(record, this.principal) ? record : undefined
  }

  async listRuns(query: RunQuery): Promise<RunRecord[]> {
    const { limit, offset = 0, ...filter } = query
    const mine = (await this.store.listRuns(filter)).filter((r) => owns(r, this.principal))
    return mine.slice(offset, limit === undefined ? undefined : offset + limit)
  }

  async deleteRun(runId: string): Promise<void> {
    if (await this.getRun(runId)) await this.store.deleteRun(runId)
  }

  async append(runId: string, event: AgentEvent): Promise<RunEvent> {
    if (!(await this.getRun(runId))) throw notFound(runId)
    return this.store.append(runId, event)
  }

  async *read(runId: string, afterSeq: number, options?: ReadOptions): AsyncGenerator<RunEvent[]> {
    if (!(await this.getRun(runId))) throw notFound(runId)
    yield* this.store.read(runId, afterSeq, options)
  }

  async getHistory(contextId: string): Promise<Message[]> {
    return (await this.mayUse(contextId)) ? this.store.getHistory(contextId) : []
  }

  async appendHistory(contextId: string, messages: Message[]): Promise<void> {
    if (!(await this.mayUse(contextId))) throw new BridgeError('not_found', `No conversation ${contextId}.`)
    await this.claim(contextId)
    await this.store.appendHistory(contextId, messages)
  }

  async deleteHistory(contextId: string): Promise<void> {
    if (await this.mayUse(contextId)) await this.store.deleteHistory(contextId)
  }

  getDoc<T>(namespace: string, key: string): Promise<T | undefined> {
    return this.store.getDoc<T>(docs(namespace, this.principal), key)
  }

  listDocs<T>(namespace: string): Promise<T[]> {
    return this.store.listDocs<T>(docs(namespace, this.principal))
  }

  putDoc<T>(namespace: string, key: string, value: T): Promise<void> {
    return this.store.putDoc(docs(namespace, this.principal), key, value)
  }

  deleteDoc(namespace: string, key: string): Promise<void> {
    return this.store.deleteDoc(docs(namespace, this.principal), key)
  }

  /**
   * A conversation is the principal's own if it used it first, or new; one whose first user is not on record (the
   * record expired or was evicted) is the principal's unless another principal has a run in it.
   */
  async mayUse(contextId: string): Promise<boolean> {
    const first = await this.store.getDoc<string>(CONVERSATION_OWNERS, contextId)
    if (first !== undefined) return first === this.principal
    return !(await this.store.listRuns({ contextId })).some((r) => !owns(r, this.principal))
  }

  /** Records the principal as the conversation's user (again: the write keeps the record from expiring). */
  async claim(contextId: string): Promise<void> {
    await this.store.putDoc(CONVERSATION_OWNERS, contextId, this.principal)
  }
}

/** The run service as one principal sees it: its runs only; a run it starts is its own. */
export class OwnedRuns implements RunService {
  constructor(
    private readonly runs: RunService,
    private readonly store: OwnedStore,
  ) {}

  async start(agentId: string, input: RunInput, options: StartOptions = {}) {
    // A conversation another principal has runs in is not found, never joined.
    if (options.contextId) {
      if (!(await this.store.mayUse(options.contextId))) {
        throw new BridgeError('not_found', `No conversation ${options.contextId}.`)
      }
      await this.store.claim(options.contextId)
    }
    const started = await this.runs.start(agentId, input, { ...options, owner: this.store.principal })
    if (!options.contextId) await this.store.claim(started.record.contextId)
    return started
  }

  async resume(runId: string, input: RunInput) {
    await this.get(runId)
    return this.runs.resume(runId, input)
  }

  async get(runId: string): Promise<RunRecord> {
    const record = await this.store.getRun(runId)
    if (!record) throw notFound(runId)
    return record
  }

  async cancel(runId: string, reason?: string): Promise<RunRecord> {
    await this.get(runId)
    return this.runs.cancel(runId, reason)
  }

  events(runId: string, afterSeq: number, options?: ReadRunOptions): AsyncIterable<RunEvent[]> {
    return passThrough(async () => {
      await this.get(runId)
      return this.runs.events(runId, afterSeq, options)
    })
  }

  close(): Promise<void> {
    return this.runs.close()
  }
}
