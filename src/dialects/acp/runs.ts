// ACP runs over the bridge's runs: an ACP run is a canonical run (run_id = its id as a UUID), created stateless or
// on a thread (see threads.ts), streamed, waited for, resumed, canceled and searched.
import type { BridgeRuntime } from '../../bridge/face.js'
import { checkWebhookUrl } from '../../bridge/webhooks.js'
import type { RunInput } from '../../core/index.js'
import { BridgeError, isTerminalStatus, settlesTurn } from '../../core/index.js'
import type { RunRecord, RunStore } from '../../store/index.js'
import { foldRunTail } from '../../store/index.js'
import { pollThrough } from '../../stream/index.js'
import { checkSchema } from './check.js'
import { decodeRequest, decodeResume } from './decode.js'
import type { AcpEncoderState } from './encode.js'
import { createEncoder, encode, runOutput } from './encode.js'
import { conflict, invalid, notFound } from './errors.js'
import { agentUuid, fromUuid, toUuid } from './ids.js'
import type { Frame } from './output-stream.js'
import { RunOutputStream } from './output-stream.js'
import { GENERIC_TYPE } from './schemas.js'
import type { AcpThreads } from './threads.js'
import type { RunCreateStateful, RunCreateStateless, RunOutput, RunStateful, RunStateless, RunStatus } from './wire.js'

/** What the face keeps per run: how it was created (echoed as `creation`) and whether it is a thread run. */
export interface RunDoc {
  creation: RunCreateStateless | RunCreateStateful
  stateful: boolean
  /** The seq after which the agent's own events start: a values stream opens with the run's id at this point. */
  startSeq?: number
}

const RUNS = 'acp:run'

export const iso = (ms: number) => new Date(ms).toISOString()

export const modesOf = (mode: RunCreateStateless['stream_mode']) => {
  const list = mode === null || mode === undefined ? ['values'] : Array.isArray(mode) ? mode : [mode]
  return { values: list.includes('values'), custom: list.includes('custom') }
}

/**
 * The run as ACP shows it right now: its log folded through the ACP encoder. A run longer than its bounded log is
 * folded from the oldest event kept: completed messages and artifacts are whole, answers of turns whose events are
 * gone are missing.
 */
export const runView = async (
  store: RunStore,
  record: RunRecord,
  modes = { values: true, custom: false },
): Promise<AcpEncoderState> => {
  const init = (from: number) => {
    const state = createEncoder({ runId: toUuid(record.runId), modes, values: 'boundary' })
    if (from > 1) state.partial = true
    return state
  }
  return (await foldRunTail(store, record.runId, init, encode)).state
}

export interface StreamOptions {
  /** First the run's state so far (a join without Last-Event-ID). */
  snapshot?: boolean
  signal?: AbortSignal
  /** With a Last-Event-ID `N.k`: frames of event N after the k-th were not delivered yet. */
  afterFrame?: number
  /** The run's start (`RunDoc.startSeq`): a values stream opens there with a frame naming the run (its id). */
  startSeq?: number
  /** The stream of a run just created: it opens with that frame at once. */
  fresh?: boolean
  /**
   * `values` cadence: at most one snapshot per this many milliseconds while deltas arrive (stretched for long values),
   * plus one at each boundary; 0 sends one per change. Default `DEFAULT_VALUES_INTERVAL_MS`.
   */
  valuesIntervalMs?: number
}

/** The ACP face's default `values` cadence (`faces.acp.valuesIntervalMs`): at most one snapshot per 100 ms. */
export const DEFAULT_VALUES_INTERVAL_MS = 100
/**
 * Past this many characters of values the interval stretches in proportion (values of 640 Ki characters wait ten
 * intervals), so snapshots carry about this much per interval: output grows with time, not with the square of the
 * answer's length.
 */
export const VALUES_CHARS_PER_INTERVAL = 65_536

export class AcpRuns {
  constructor(
    private readonly runtime: BridgeRuntime,
    private readonly threads: AcpThreads,
  ) {}

  /** An agent by its ACP id (the UUID of its name) or by its name. */
  agentId(id: string): string {
    const found = this.runtime.agents.ids().find((a) => a === id || agentUuid(a) === id.toLowerCase())
    if (!found) throw notFound(`Agent ${id}`)
    return found
  }

  async record(runId: string, threadId?: string): Promise<RunRecord> {
    const record = await this.runtime.store.getRun(fromUuid('run', runId))
    const thread = threadId?.toLowerCase()
    if (!record || (thread !== undefined && toUuid(record.contextId) !== thread && record.contextId !== threadId))
      throw notFound(`Run ${runId}`)
    return record
  }

  async doc(record: RunRecord): Promise<RunDoc> {
    return (
      (await this.runtime.store.getDoc<RunDoc>(RUNS, record.runId)) ?? {
        creation: { agent_id: agentUuid(record.agentId), ...(record.metadata ? { metadata: record.metadata } : {}) },
        stateful: false,
      }
    )
  }

  /** The run as ACP shows it now (its log folded into an ACP encoder). */
  encoder(record: RunRecord, modes = { values: true, custom: false }): Promise<AcpEncoderState> {
    return runView(this.runtime.store, record, modes)
  }

  async run(record: RunRecord): Promise<RunStateless | RunStateful> {
    const doc = await this.doc(record)
    const encoder = await this.encoder(record)
    return {
      run_id: toUuid(record.runId),
      ...(doc.stateful ? { thread_id: toUuid(record.contextId) } : {}),
      agent_id: agentUuid(record.agentId),
      created_at: iso(record.createdAt),
      updated_at: iso(record.updatedAt),
      status: encoder.status,
      creation: doc.creation,
    } as RunStateless | RunStateful
  }

  /** Creates a run: stateless in a conversation of its own, or on a thread (which must be free). */
  async create(
    body: RunCreateStateless | RunCreateStateful,
    options: { threadId?: string; background: boolean; streaming: boolean },
  ): Promise<{ record: RunRecord; afterSeq: number }> {
    const agentId = body.agent_id ? this.agentId(body.agent_id) : this.runtime.agents.default.id
    if (body.webhook) checkWebhookUrl(body.webhook, this.runtime.webhooks, 'webhook')
    const modes = modesOf(body.stream_mode)
    if (!modes.values && !modes.custom) throw invalid('stream_mode must name values and/or custom.')
    const decoded = decodeRequest(body.input)
    let contextId: string | undefined
    if (options.threadId !== undefined) {
      const stateful = body as RunCreateStateful
      const thread = await this.threads.threadDoc(options.threadId)
      if (!thread && stateful.if_not_exists !== 'create') throw notFound(`Thread ${options.threadId}`)
      if (!thread) await this.threads.createThread({ thread_id: options.threadId })
      contextId = fromUuid('ctx', options.threadId)
      const busy = (await this.runtime.store.listRuns({ contextId })).some(
        (r) => r.state.status === 'queued' || r.state.status === 'working',
      )
      if (busy) throw conflict(`Thread ${options.threadId} has a run in progress (multitask_strategy reject).`)
    }
    const input: RunInput = {
      ...decoded,
      ...(body.config?.configurable && typeof body.config.configurable === 'object'
        ? { config: body.config.configurable as Record<string, unknown> }
        : {}),
      ...(body.metadata ? { metadata: body.metadata } : {}),
      background: options.background,
      stream: options.streaming,
    }
    const started = await this.runtime.runs.start(agentId, input, {
      ...(contextId ? { contextId } : {}),
      background: options.background,
      disconnect: body.on_disconnect ?? 'cancel',
    })
    await this.runtime.store.putDoc<RunDoc>(RUNS, started.record.runId, {
      creation: body,
      stateful: options.threadId !== undefined,
      startSeq: started.afterSeq,
    })
    if (contextId) await this.threads.touchThread(contextId)
    return started
  }

  /** Resumes an interrupted run with the payload its interrupt asked for. */
  async resume(record: RunRecord, payload: unknown): Promise<{ record: RunRecord; afterSeq: number }> {
    const pending = record.state.pending
    if (record.state.status !== 'input_required' || !pending) {
      throw conflict(
        `Run ${toUuid(record.runId)} is not interrupted (it is ${(await this.encoder(record)).status}); only an interrupted run can be resumed.`,
      )
    }
    // The agent declared what answers this interrupt type; a payload that does not fit is refused, not guessed at.
    const info = await this.runtime.agents.require(record.agentId).backend.info()
    const type = pending.interruptType ?? GENERIC_TYPE[pending.reason]
    const declared = info.interrupts?.find((i) => i.type === type)?.resumeSchema
    const problem = declared && checkSchema(declared, payload)
    if (problem) throw invalid(`The resume payload does not fit ${type}'s resume_payload: ${problem}.`)
    return this.runtime.runs.resume(record.runId, decodeResume(pending, payload))
  }

  /** Waits until the run leaves `pending`, then gives the run and its output. */
  async wait(
    record: RunRecord,
    afterSeq: number,
    signal?: AbortSignal,
  ): Promise<{ run: RunStateless | RunStateful; output?: RunOutput }> {
    if (!isTerminalStatus(record.state.status) && record.state.status !== 'input_required') {
      for await (const batch of this.runtime.runs.events(record.runId, afterSeq, { signal })) {
        if (batch.some(settlesTurn)) break
      }
    }
    const fresh = await this.record(record.runId)
    const encoder = await this.encoder(fresh)
    const output = runOutput(encoder)
    return { run: await this.run(fresh), ...(output ? { output } : {}) }
  }

  /**
   * The run's stream from `afterSeq`: with `snapshot`, first the current state (the values so far, or how the run
   * already ended); then each event as it comes, until the run pauses or ends. SSE ids are the run's event seqs.
   * `values` snapshots follow a cadence (`valuesIntervalMs`, see `DEFAULT_VALUES_INTERVAL_MS` and `RunOutputStream`).
   */
  stream(
    record: RunRecord,
    afterSeq: number,
    modes: { values: boolean; custom: boolean },
    options: StreamOptions = {},
  ): AsyncIterable<Frame[]> {
    const { snapshot = false, signal, afterFrame = Number.POSITIVE_INFINITY, startSeq } = options
    const interval = options.valuesIntervalMs ?? DEFAULT_VALUES_INTERVAL_MS
    const coalesce = modes.values && interval > 0
    // A new run's values stream says at once which run it is (a client needs the run_id to rejoin or cancel), with the
    // values as they stand when the run starts, before the agent has said anything; a replay from before then too.
    const due = options.fresh || (startSeq !== undefined && afterSeq < startSeq)
    const announceAt = due && modes.values ? startSeq : undefined
    const runs = this.runtime.runs
    return {
      [Symbol.asyncIterator]: () =>
        new RunOutputStream(
          createEncoder({ runId: toUuid(record.runId), modes, values: coalesce ? 'boundary' : 'change' }),
          pollThrough(() => runs.events(record.runId, 0, { signal })),
          {
            afterSeq,
            afterFrame,
            snapshot,
            values: modes.values,
            interval,
            charsPerInterval: VALUES_CHARS_PER_INTERVAL,
            announceAt,
          },
        ),
    }
  }

  async cancel(record: RunRecord, action: 'interrupt' | 'rollback'): Promise<void> {
    if (isTerminalStatus(record.state.status))
      throw conflict(`Run ${toUuid(record.runId)} has already ended; there is nothing to cancel.`)
    await this.runtime.runs.cancel(record.runId, 'canceled through ACP').catch((e: unknown) => {
      if (!(e instanceof BridgeError && e.code === 'not_cancelable')) throw e
    })
    if (action === 'rollback') await this.delete(record)
  }

  async delete(record: RunRecord): Promise<void> {
    if (!isTerminalStatus((await this.record(record.runId)).state.status)) {
      await this.runtime.runs.cancel(record.runId, 'deleted through ACP').catch(() => {})
    }
    await this.runtime.store.deleteRun(record.runId)
    await this.runtime.store.deleteDoc(RUNS, record.runId)
  }

  async search(filter: {
    agentId?: string
    status?: RunStatus
    metadata?: Record<string, unknown>
    limit?: number
    offset?: number
    contextId?: string
  }) {
    const runs = await this.runtime.store.listRuns({
      ...(filter.agentId ? { agentId: filter.agentId } : {}),
      ...(filter.contextId ? { contextId: filter.contextId } : {}),
    })
    const out: (RunStateless | RunStateful)[] = []
    for (const record of runs) {
      if (filter.metadata && !matches(record.metadata ?? {}, filter.metadata)) continue
      const run = await this.run(record)
      if (filter.status && run.status !== filter.status) continue
      out.push(run)
    }
    const offset = filter.offset ?? 0
    return out.slice(offset, offset + (filter.limit ?? 10))
  }
}

/** Exact-match filter: every key of `filter` equals the same key of `value`. */
export const matches = (value: Record<string, unknown>, filter: Record<string, unknown>) =>
  Object.entries(filter).every(([k, v]) => JSON.stringify(value[k]) === JSON.stringify(v))
