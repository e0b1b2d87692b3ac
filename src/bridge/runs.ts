import type { AgentEvent, Message, RunEvent, RunInput, RunRequest } from '../core/index.js'
import {
  BridgeError,
  endsTurn,
  initialRunState,
  isAgentEvent,
  isTerminalStatus,
  isTerminalType,
  newId,
  toBridgeError,
} from '../core/index.js'
import { anySignal, passThrough, sleep } from '../stream/index.js'
import { pollEach } from '../stream/poll.js'
import type { RunRecord, RunStore } from '../store/index.js'
import type { AgentRegistry } from './registry.js'

export interface StartOptions {
  /** Continue this conversation; a new one is started when absent. */
  contextId?: string
  /** Keep the run going with no reader, whatever the agent's disconnect policy. */
  background?: boolean
  /** What happens when the run's last reader disconnects; the agent's policy when absent. */
  disconnect?: 'cancel' | 'continue'
  /** The new run's id; a fresh one when absent (a Durable Object hosting the run already has its name). */
  runId?: string
  /** The principal the run belongs to. */
  owner?: string
}

export interface ReadRunOptions {
  signal?: AbortSignal
  /** Tail the log live (default), or stop at its current end. */
  follow?: boolean
  /** Ends the read without it counting as a disconnect (the reader stopped on its own). */
  stop?: AbortSignal
}

interface Producer {
  controller: AbortController
  task: Promise<void>
  readers: number
  canceling: boolean
}

const CANCEL_GRACE_MS = 2_000

/** A run that already ended (canceled meanwhile) takes no more events: none of them is logged. */
const refused = (error: unknown): RunEvent[] => {
  if (error instanceof BridgeError && error.code === 'conflict') return []
  throw error
}

/** A message the conversation's history keeps: the user's and the answers, not system, commentary or a sub-agent's. */
const remembered = (message: Message, executionId?: string) =>
  !executionId && !message.executionId && message.phase !== 'commentary' && message.role !== 'system'

/**
 * What faces drive runs through: the RunManager in one process, or the Durable Objects that host each run at the
 * edge (which run a RunManager of their own).
 */
export interface RunService {
  /** Starts a run's first turn; resolves once its input is logged, with the seq the agent's own events follow. */
  start(agentId: string, input: RunInput, options?: StartOptions): Promise<{ record: RunRecord; afterSeq: number }>
  /** Answers the interrupt a paused run waits on and streams its next turn. */
  resume(runId: string, input: RunInput): Promise<{ record: RunRecord; afterSeq: number }>
  /** The run's record, or a `not_found` BridgeError. */
  get(runId: string): Promise<RunRecord>
  /** Cancels a run in any dialect's name. */
  cancel(runId: string, reason?: string): Promise<RunRecord>
  /** A reader of the run's log after `afterSeq`, in batches; its signal aborting is a disconnect. */
  events(runId: string, afterSeq: number, options?: ReadRunOptions): AsyncIterable<RunEvent[]>
  /** Stops every run this service drives (process shutdown). */
  close(): Promise<void>
}

export type RunLogger = (message: string, error?: unknown) => void

/**
 * Drives runs: one producer per active turn consumes the backend's events into the store's log; every client
 * stream is a reader of that log. Disconnect is not cancel: only the agent's `cancel` policy turns a lost last
 * reader into a cancel, and never for background runs.
 */
export class RunManager implements RunService {
  readonly #producers = new Map<string, Producer>()
  /** Runs whose answer is being logged: claimed, not yet producing. */
  readonly #resuming = new Set<string>()

  constructor(
    readonly store: RunStore,
    readonly agents: AgentRegistry,
    private readonly log: RunLogger = () => {},
  ) {}

  /**
   * Starts a new run (its first turn). Resolves once `run.created` and the input are logged, with the seq after
   * which the agent's own events start; the turn streams on.
   */
  async start(
    agentId: string,
    input: RunInput,
    options: StartOptions = {},
  ): Promise<{ record: RunRecord; afterSeq: number }> {
    this.agents.require(agentId)
    const now = Date.now()
    const record: RunRecord = {
      runId: options.runId ?? newId('run'),
      agentId,
      contextId: options.contextId ?? newId('ctx'),
      createdAt: now,
      updatedAt: now,
      background: options.background ?? false,
      ...(options.disconnect ? { disconnect: options.disconnect } : {}),
      ...(input.metadata ? { metadata: input.metadata } : {}),
      ...(options.owner ? { owner: options.owner } : {}),
      state: initialRunState(),
    }
    await this.store.createRun(record)
    const created = await this.store.append(record.runId, {
      type: 'run.created',
      contextId: record.contextId,
      agentId,
      createdAt: now,
      ...(record.background ? { background: true } : {}),
    })
    const { history: sent = [], ...rest } = input
    const history = [...(await this.store.getHistory(record.contextId)), ...sent]
    const afterSeq = await this.#logInput(record.runId, input, created.seq)
    this.#produce(record, { ...rest, runId: record.runId, agentId, contextId: record.contextId, history })
    return { record, afterSeq }
  }

  /**
   * Answers the interrupt a paused run waits on and streams its next turn. Resolves once the answer is logged,
   * with the seq after which the agent's events for the new turn start.
   */
  async resume(runId: string, input: RunInput): Promise<{ record: RunRecord; afterSeq: number }> {
    const record = await this.get(runId)
    const pending = record.state.pending
    if (record.state.status !== 'input_required' || !pending || this.#busy(runId)) {
      throw new BridgeError('conflict', `Run ${runId} is not waiting for input (it is ${record.state.status}).`)
    }
    // Claimed before anything else is awaited: two answers racing for one pause must not both resume it (the
    // producer only registers once the answer is logged).
    this.#resuming.add(runId)
    try {
      return await this.#resume(record, pending, input)
    } finally {
      this.#resuming.delete(runId)
    }
  }

  #busy = (runId: string) => this.#producers.has(runId) || this.#resuming.has(runId)

  async #resume(
    record: RunRecord,
    pending: NonNullable<RunRecord['state']['pending']>,
    input: RunInput,
  ): Promise<{ record: RunRecord; afterSeq: number }> {
    const { runId } = record
    const history = await this.store.getHistory(record.contextId)
    const { history: sent = [], ...rest } = input
    const request: RunRequest = {
      ...rest,
      resume: input.resume ?? { interruptId: pending.interruptId },
      runId,
      agentId: record.agentId,
      contextId: record.contextId,
      history: [...history, ...sent],
      pending,
    }
    // Nothing else writes to a paused run meanwhile: the resume was claimed before anything was awaited.
    const afterSeq = await this.#logInput(runId, input, record.state.lastSeq)
    // The run is working again from the moment it is answered, whatever the agent takes to say so itself.
    await this.store.append(runId, { type: 'run.status', status: 'working' })
    this.#produce(record, request)
    return { record, afterSeq }
  }

  async get(runId: string): Promise<RunRecord> {
    const record = await this.store.getRun(runId)
    if (!record) throw new BridgeError('not_found', `No run ${runId}.`)
    return record
  }

  /** Cancels a run in any dialect's name: stops the producer, tells the backend, logs `run.canceled`. */
  async cancel(runId: string, reason = 'canceled by the client'): Promise<RunRecord> {
    const record = await this.get(runId)
    if (isTerminalStatus(record.state.status)) {
      throw new BridgeError(
        'not_cancelable',
        `Run ${runId} has already ${record.state.status === 'canceled' ? 'been canceled' : record.state.status}.`,
      )
    }
    const producer = this.#producers.get(runId)
    if (producer) {
      producer.canceling = true
      producer.controller.abort(new BridgeError('conflict', reason))
    }
    const backend = this.agents.get(record.agentId)?.backend
    await backend?.cancel?.(runId).catch((e) => this.log(`cancel of run ${runId} did not reach the agent`, e))
    // A backend that ignores the abort must not hold the cancel up; its later events are refused anyway.
    if (producer) await Promise.race([producer.task, sleep(CANCEL_GRACE_MS)])
    await this.#append(runId, { type: 'run.canceled', reason })
    return this.get(runId)
  }

  /**
   * A reader of the run's log from `afterSeq`, in batches: replays, then tails. When the last reader of a foreground run
   * goes away (its signal aborts) and the agent's policy is `cancel`, the run is canceled.
   */
  events(runId: string, afterSeq: number, options: ReadRunOptions = {}): AsyncIterable<RunEvent[]> {
    let producer: Producer | undefined
    return passThrough(
      () => {
        producer = this.#producers.get(runId)
        if (producer) producer.readers += 1
        const signal = options.stop ? anySignal(options.signal, options.stop) : options.signal
        return this.store.read(runId, afterSeq, { follow: options.follow ?? true, signal })
      },
      () => {
        if (!producer) return
        producer.readers -= 1
        if (producer.readers === 0 && options.signal?.aborted) void this.#onLastReaderGone(runId)
      },
    )
  }

  /** A turn of this run is being produced right now. */
  active(runId: string): boolean {
    return this.#producers.has(runId)
  }

  /** Stops every active run's producer (process shutdown), logging each as canceled. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.#producers.keys()].map((id) => this.cancel(id, 'the bridge is shutting down').catch(() => {})),
    )
  }

  async #onLastReaderGone(runId: string) {
    const record = await this.store.getRun(runId)
    if (!record || record.background || !this.#producers.has(runId)) return
    if ((record.disconnect ?? this.agents.get(record.agentId)?.disconnect) !== 'cancel') return
    await this.cancel(runId, 'the client disconnected').catch(() => {})
  }

  /**
   * The turn's input goes into the log too, so every face can show the whole conversation of a run. Resolves with the
   * seq of its last message (`lastSeq`, the log's end before it, when there is none).
   */
  async #logInput(runId: string, input: RunInput, lastSeq: number): Promise<number> {
    let seq = lastSeq
    for (const message of input.input)
      seq = (await this.store.append(runId, { type: 'message.completed', message })).seq
    return seq
  }

  #produce(record: RunRecord, request: RunRequest) {
    const controller = new AbortController()
    const producer: Producer = { controller, task: Promise.resolve(), readers: 0, canceling: false }
    this.#producers.set(record.runId, producer)
    producer.task = this.#drive(record, request, producer).finally(() => this.#producers.delete(record.runId))
  }

  async #drive(record: RunRecord, request: RunRequest, producer: Producer) {
    const { runId } = record
    const backend = this.agents.require(record.agentId).backend
    // The turn's messages (the user's input, the agent's answers) are kept as they are logged, apart from the bounded
    // log: a turn longer than the log still leaves its whole conversation behind.
    const turn = request.input.filter((m) => remembered(m))
    let ended = false
    // Every turn opens with a plain `run.status working` (a resumed one already has it): a backend that starts straight
    // with a tool call, a message, progress text or a pause gets it put first, so no face shows part of a turn before
    // the turn began.
    let working = request.resume !== undefined
    try {
      // The turn's messages as they were logged; true once the turn ended (the backend is let go).
      const logged = (events: RunEvent[]) => {
        for (const e of events) {
          if (e.type === 'message.completed' && remembered(e.message, e.executionId)) turn.push(e.message)
        }
        return ended
      }
      // Stepped as the backend yields, with no promise per step when it can be polled (an upstream client's run).
      await pollEach(backend.run(request, producer.controller.signal), (yielded) => {
        if (producer.controller.signal.aborted) return true
        // What came together is logged together: readers then wake once for the lot.
        const batch: AgentEvent[] = []
        for (const event of isAgentEvent(yielded) ? [yielded] : yielded) {
          // The bridge owns run.created; a backend's own is ignored.
          const type = event.type
          if (type === 'run.created') continue
          const opens = type === 'run.status' && event.status === 'working' && !event.message
          if (!working && !opens && !isTerminalType(type)) batch.push({ type: 'run.status', status: 'working' })
          working = true
          batch.push(event)
          if (endsTurn(event)) {
            ended = true
            break
          }
        }
        const appended = this.#appendAll(runId, batch)
        return Array.isArray(appended) ? logged(appended) : appended.then(logged)
      })
      if (!ended && !producer.controller.signal.aborted) await this.#endTurn(runId)
    } catch (error) {
      if (!producer.canceling) {
        const e = toBridgeError(error)
        if (e.code === 'internal') this.log(`agent ${record.agentId} failed in run ${runId}`, error)
        const code = e.code === 'internal' ? 'agent_error' : e.code
        const message = e.code === 'internal' ? 'The agent failed.' : e.message
        await this.#append(runId, { type: 'run.failed', error: { code, message } })
      }
    } finally {
      await this.#remember(record, turn).catch((e) => this.log(`history of run ${runId} not saved`, e))
    }
  }

  /** A backend that just stops still ends its turn: paused if it raised an interrupt, completed otherwise. */
  async #endTurn(runId: string) {
    const state = (await this.get(runId)).state
    if (isTerminalStatus(state.status) || state.status === 'input_required') return
    await this.#append(
      runId,
      state.pending ? { type: 'run.status', status: 'input_required' } : { type: 'run.completed' },
    )
  }

  /** Keeps the turn's messages as the conversation's history (unless the run was deleted meanwhile). */
  async #remember(record: RunRecord, turn: Message[]) {
    if (turn.length && (await this.store.getRun(record.runId))) await this.store.appendHistory(record.contextId, turn)
  }

  /**
   * Events in order, as one batch where the store takes batches; those a run that ended meanwhile refused are left out.
   * The logged events as they are when the store logged them within the call (no promise per batch).
   */
  #appendAll(runId: string, events: AgentEvent[]): RunEvent[] | Promise<RunEvent[]> {
    if (!this.store.appendMany) return this.#appendEach(runId, events)
    try {
      const logged = this.store.appendMany(runId, events)
      return Array.isArray(logged) ? logged : logged.catch(refused)
    } catch (error) {
      return refused(error)
    }
  }

  async #appendEach(runId: string, events: AgentEvent[]): Promise<RunEvent[]> {
    const logged: RunEvent[] = []
    for (const event of events) {
      const one = await this.#append(runId, event)
      if (one) logged.push(one)
    }
    return logged
  }

  async #append(runId: string, event: AgentEvent): Promise<RunEvent | undefined> {
    try {
      return await this.store.append(runId, event)
    } catch (error) {
      // A run that already ended (canceled meanwhile) takes no more events.
      if (error instanceof BridgeError && error.code === 'conflict') return undefined
      throw error
    }
  }
}
