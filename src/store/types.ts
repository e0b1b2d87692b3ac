import type { AgentEvent, Message, RunEvent, RunState } from '../core/index.js'

export interface RunRecord {
  runId: string
  agentId: string
  contextId: string
  /** Unix epoch milliseconds. */
  createdAt: number
  updatedAt: number
  /** Started as a background run: it keeps going with no reader, whatever the disconnect policy. */
  background: boolean
  /** This run's own disconnect policy (ACP `on_disconnect`), over the agent's. */
  disconnect?: 'cancel' | 'continue'
  metadata?: Record<string, unknown>
  /** The principal (API key) that started the run; only it sees the run. */
  owner?: string
  state: RunState
}

export interface RunQuery {
  agentId?: string
  contextId?: string
  limit?: number
  offset?: number
}

export interface ReadOptions {
  /** Keep waiting for new events until the log is sealed (a terminal event) or the signal aborts. */
  follow?: boolean
  signal?: AbortSignal
}

/**
 * Where runs live: records, each run's event log (bounded), conversation history per context, and
 * small JSON documents faces keep (id chains, response records). Memory in Node, a Durable Object at the edge.
 */
export interface RunStore {
  createRun(record: RunRecord): Promise<void>
  getRun(runId: string): Promise<RunRecord | undefined>
  listRuns(query: RunQuery): Promise<RunRecord[]>
  deleteRun(runId: string): Promise<void>

  /**
   * Stamps the event with run id, seq and time, logs it, folds it into the run's state and wakes readers.
   * A terminal event seals the log; appending to a sealed log throws a `conflict` BridgeError. The store may stamp the
   * object it is given rather than a copy (the memory store does, unless the object cannot take new properties or is
   * already stamped): the caller hands the event over and does not change it afterwards.
   */
  append(runId: string, event: AgentEvent): Promise<RunEvent>
  /**
   * Appends events in order, as `append` each, but together: readers wake once for the lot. Optional; without it the
   * bridge appends one by one. If the log is sealed partway, it throws the `conflict` (the events before it are in).
   * A store may log the lot within the call and return the events as they are (no promise), as the memory store does
   * when nothing has to wait: a streaming run then passes no promise per batch. Its errors then throw at once too.
   */
  appendMany?(runId: string, events: readonly AgentEvent[]): RunEvent[] | Promise<RunEvent[]>
  /**
   * The events after `afterSeq` (0 = from the start), in batches of whatever is available: a reader that is
   * behind gets the backlog at once, a reader that is caught up gets each event as it is appended.
   * Throws `too_far_behind` when the bounded log no longer holds them, `not_found` for an unknown run.
   * While the log is full, `append` waits for attached readers that still need its oldest event (backpressure),
   * so a live reader never loses events; only a reader that starts too far back does.
   */
  read(runId: string, afterSeq: number, options?: ReadOptions): AsyncIterable<RunEvent[]>

  getHistory(contextId: string): Promise<Message[]>
  appendHistory(contextId: string, messages: Message[]): Promise<void>
  deleteHistory(contextId: string): Promise<void>

  getDoc<T>(namespace: string, key: string): Promise<T | undefined>
  /** Every document of a namespace (small namespaces: thread records, say). */
  listDocs<T>(namespace: string): Promise<T[]>
  putDoc<T>(namespace: string, key: string, value: T): Promise<void>
  deleteDoc(namespace: string, key: string): Promise<void>
}
