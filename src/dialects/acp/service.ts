// The ACP operations on runs and threads, over the bridge's runs: an ACP run is a canonical run (run_id = its id as a
// UUID), a thread is a conversation (thread_id = the context id as a UUID).
import type { BridgeRuntime } from '../../bridge/face.js'
import { checkWebhookUrl } from '../../bridge/webhooks.js'
import type { RunInput } from '../../core/index.js'
import { BridgeError, endsTurn, isTerminalStatus, settlesTurn } from '../../core/index.js'
import type { RunRecord } from '../../store/index.js'
import { foldRun } from '../../store/index.js'
import { decodeRequest, decodeResume } from './decode.js'
import { checkSchema } from './check.js'
import { GENERIC_TYPE } from './schemas.js'
import type { AcpEncoderState } from './encode.js'
import { createEncoder, encode, runOutput } from './encode.js'
import { agentUuid, fromUuid, toUuid } from './ids.js'
import type {
  Message,
  RunCreateStateful,
  RunCreateStateless,
  RunOutput,
  RunOutputStreamData,
  RunStateful,
  RunStateless,
  RunStatus,
  Thread,
  ThreadStatus,
} from './wire.js'

/** What the face keeps per run: how it was created (echoed as `creation`) and whether it is a thread run. */
export interface RunDoc {
  creation: RunCreateStateless | RunCreateStateful
  stateful: boolean
}

export interface ThreadDoc {
  threadId: string
  createdAt: number
  updatedAt: number
  metadata: Record<string, unknown>
  values?: unknown
  messages?: Message[]
  deleted?: boolean
}

const RUNS = 'acp:run'
const THREADS = 'acp:thread'

const iso = (ms: number) => new Date(ms).toISOString()

export const modesOf = (mode: RunCreateStateless['stream_mode']) => {
  const list = mode === null || mode === undefined ? ['values'] : Array.isArray(mode) ? mode : [mode]
  return { values: list.includes('values'), custom: list.includes('custom') }
}

export const notFound = (what: string) => new BridgeError('not_found', `${what} not found.`)
export const conflict = (message: string) => new BridgeError('conflict', message)
export const invalid = (message: string) => new BridgeError('invalid_request', message)

export class AcpService {
  constructor(private readonly runtime: BridgeRuntime) {}

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

  /** Folds the run's log into an ACP encoder (up to `untilSeq`). */
  async encoder(
    record: RunRecord,
    modes = { values: true, custom: false },
    untilSeq = Number.POSITIVE_INFINITY,
  ): Promise<AcpEncoderState> {
    const state = createEncoder({ runId: toUuid(record.runId), modes })
    return foldRun(this.runtime.store, record.runId, state, encode, untilSeq)
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
      const thread = await this.threadDoc(options.threadId)
      if (!thread && stateful.if_not_exists !== 'create') throw notFound(`Thread ${options.threadId}`)
      if (!thread) await this.createThread({ thread_id: options.threadId })
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
    })
    if (contextId) await this.touchThread(contextId)
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
   */
  async *stream(
    record: RunRecord,
    afterSeq: number,
    modes: { values: boolean; custom: boolean },
    snapshot: boolean,
    signal?: AbortSignal,
    /** With a Last-Event-ID `N.k`: frames of event N after the k-th were not delivered yet. */
    afterFrame = Number.POSITIVE_INFINITY,
  ): AsyncGenerator<{ id: string; data: RunOutputStreamData }[]> {
    const encoder = createEncoder({ runId: toUuid(record.runId), modes })
    let caughtUp = false
    for await (const batch of this.runtime.runs.events(record.runId, 0, { signal })) {
      const out: { id: string; data: RunOutputStreamData }[] = []
      for (const event of batch) {
        const data = encode(encoder, event)
        if (event.seq === afterSeq && afterFrame < data.length - 1) {
          data.forEach((d, i) => {
            if (i > afterFrame) out.push({ id: `${event.seq}.${i}`, data: d })
          })
          caughtUp = true
          continue
        }
        if (event.seq <= afterSeq) continue
        if (!caughtUp) {
          caughtUp = true
          if (snapshot && modes.values && encoder.values.messages.length)
            out.push({
              id: String(afterSeq),
              data: {
                type: 'values',
                run_id: encoder.runId,
                status: encoder.status,
                values: structuredClone(encoder.values) as never,
              },
            })
        }
        data.forEach((d, i) => {
          out.push({ id: i ? `${event.seq}.${i}` : String(event.seq), data: d })
        })
        if (endsTurn(event)) {
          yield out
          return
        }
      }
      if (!caughtUp && snapshot && encoder.status !== 'pending') {
        // Joined a run that had already paused or ended: say how, and close.
        const output = runOutput(encoder)
        if (output?.type === 'interrupt')
          out.push({ id: String(afterSeq), data: { ...output, run_id: encoder.runId, status: encoder.status } })
        else if (output?.type === 'error')
          out.push({ id: String(afterSeq), data: { ...output, status: encoder.status } })
        else if (modes.values)
          out.push({
            id: String(afterSeq),
            data: {
              type: 'values',
              run_id: encoder.runId,
              status: encoder.status,
              values: structuredClone(encoder.values) as never,
            },
          })
        yield out
        return
      }
      if (out.length) yield out
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

  async threadDoc(threadId: string): Promise<ThreadDoc | undefined> {
    const doc = await this.runtime.store.getDoc<ThreadDoc>(THREADS, fromUuid('ctx', threadId))
    if (doc?.deleted) return undefined
    if (doc) return doc
    // A conversation started through another face is a thread too.
    const runs = await this.runtime.store.listRuns({ contextId: fromUuid('ctx', threadId) })
    if (!runs.length) return undefined
    const first = runs.at(-1) as RunRecord
    return {
      threadId: toUuid(first.contextId),
      createdAt: first.createdAt,
      updatedAt: runs[0]?.updatedAt ?? first.updatedAt,
      metadata: {},
    }
  }

  async createThread(body: {
    thread_id?: string
    metadata?: Record<string, unknown>
    if_exists?: 'raise' | 'do_nothing'
  }): Promise<ThreadDoc> {
    const threadId = (body.thread_id ?? toUuid(`ctx_${crypto.randomUUID().replaceAll('-', '')}`)).toLowerCase()
    const existing = await this.threadDoc(threadId)
    if (existing) {
      if (body.if_exists === 'do_nothing') return existing
      throw conflict(`Thread ${threadId} already exists.`)
    }
    const now = Date.now()
    const doc: ThreadDoc = { threadId, createdAt: now, updatedAt: now, metadata: body.metadata ?? {} }
    await this.runtime.store.putDoc(THREADS, fromUuid('ctx', threadId), doc)
    return doc
  }

  async touchThread(contextId: string) {
    const doc = await this.threadDoc(toUuid(contextId))
    if (doc) await this.runtime.store.putDoc(THREADS, contextId, { ...doc, updatedAt: Date.now() })
  }

  async patchThread(
    threadId: string,
    patch: {
      metadata?: Record<string, unknown>
      values?: unknown
      messages?: Message[]
      checkpoint?: { checkpoint_id: string }
    },
  ): Promise<ThreadDoc> {
    const doc = await this.threadDoc(threadId)
    if (!doc) throw notFound(`Thread ${threadId}`)
    if (patch.checkpoint) {
      const latest = (await this.runtime.store.listRuns({ contextId: fromUuid('ctx', threadId) }))[0]
      if (!latest || toUuid(latest.runId) !== patch.checkpoint.checkpoint_id)
        throw invalid('Branching from an earlier checkpoint is not supported; patch the latest state.')
    }
    const next: ThreadDoc = {
      ...doc,
      updatedAt: Date.now(),
      metadata: { ...doc.metadata, ...patch.metadata },
      ...(patch.values !== undefined ? { values: patch.values } : {}),
      ...(patch.messages ? { messages: patch.messages } : {}),
    }
    await this.runtime.store.putDoc(THREADS, fromUuid('ctx', threadId), next)
    return next
  }

  async deleteThread(threadId: string): Promise<void> {
    const doc = await this.threadDoc(threadId)
    if (!doc) throw notFound(`Thread ${threadId}`)
    const contextId = fromUuid('ctx', threadId)
    if (
      (await this.runtime.store.listRuns({ contextId })).some(
        (r) => r.state.status === 'queued' || r.state.status === 'working',
      )
    ) {
      throw conflict(`Thread ${threadId} has a run in progress.`)
    }
    await this.runtime.store.putDoc<ThreadDoc>(THREADS, contextId, { ...doc, deleted: true })
    await this.runtime.store.deleteHistory(contextId)
  }

  async copyThread(threadId: string): Promise<ThreadDoc> {
    const doc = await this.threadDoc(threadId)
    if (!doc) throw notFound(`Thread ${threadId}`)
    const copy = await this.createThread({ metadata: structuredClone(doc.metadata) })
    const history = await this.runtime.store.getHistory(fromUuid('ctx', threadId))
    if (history.length) await this.runtime.store.appendHistory(fromUuid('ctx', copy.threadId), history)
    const { threadId: _, createdAt: __, updatedAt: ___, ...state } = doc
    await this.runtime.store.putDoc(THREADS, fromUuid('ctx', copy.threadId), {
      ...copy,
      ...state,
      metadata: copy.metadata,
    })
    return (await this.threadDoc(copy.threadId)) as ThreadDoc
  }

  /** The thread as ACP shows it: status from its latest run, values from that run (or a patch), its messages. */
  async thread(doc: ThreadDoc): Promise<Thread> {
    const contextId = fromUuid('ctx', doc.threadId)
    const latest = (await this.runtime.store.listRuns({ contextId }))[0]
    const encoder = latest ? await this.encoder(latest) : undefined
    const status: ThreadStatus = !encoder
      ? 'idle'
      : encoder.status === 'pending'
        ? 'busy'
        : encoder.status === 'interrupted'
          ? 'interrupted'
          : encoder.status === 'success'
            ? 'idle'
            : 'error'
    const history = await this.runtime.store.getHistory(contextId)
    const messages = doc.messages ?? history.map(toAcpMessage)
    const values = doc.values ?? (encoder ? { ...encoder.values, messages } : undefined)
    return {
      thread_id: doc.threadId,
      created_at: iso(doc.createdAt),
      updated_at: iso(Math.max(doc.updatedAt, latest?.updatedAt ?? 0)),
      metadata: doc.metadata,
      status,
      ...(values !== undefined ? { values: values as Record<string, unknown> } : {}),
      messages,
    }
  }

  async searchThreads(filter: {
    metadata?: Record<string, unknown>
    status?: ThreadStatus
    limit?: number
    offset?: number
  }): Promise<Thread[]> {
    const ids = new Set<string>()
    for (const r of await this.runtime.store.listRuns({})) ids.add(r.contextId)
    const docs = await this.runtime.store.listDocs<ThreadDoc>(THREADS)
    for (const d of docs) if (!d.deleted) ids.add(fromUuid('ctx', d.threadId))
    const threads: Thread[] = []
    for (const contextId of ids) {
      const doc = await this.threadDoc(toUuid(contextId))
      if (!doc) continue
      const thread = await this.thread(doc)
      if (filter.metadata && !matches(thread.metadata, filter.metadata)) continue
      if (filter.status && thread.status !== filter.status) continue
      threads.push(thread)
    }
    threads.sort((a, b) => b.updated_at.localeCompare(a.updated_at))
    const offset = filter.offset ?? 0
    return threads.slice(offset, offset + (filter.limit ?? 10))
  }

  /** One state per run on the thread, newest first: its checkpoint is the run, its values what the run produced. */
  async history(threadId: string, limit = 10, before?: string) {
    const doc = await this.threadDoc(threadId)
    if (!doc) throw notFound(`Thread ${threadId}`)
    const runs = await this.runtime.store.listRuns({ contextId: fromUuid('ctx', threadId) })
    const at = before ? runs.findIndex((r) => toUuid(r.runId) === before.toLowerCase()) : -1
    if (before && at < 0) return []
    const start = before ? at + 1 : 0
    const states = []
    for (const r of runs.slice(start, start + limit)) {
      const encoder = await this.encoder(r)
      states.push({
        checkpoint: { checkpoint_id: toUuid(r.runId) },
        values: structuredClone(encoder.values) as unknown as Record<string, unknown>,
        messages: encoder.values.messages,
        metadata: { run_id: toUuid(r.runId), status: encoder.status },
      })
    }
    return states
  }
}

export function toAcpMessage(m: { id: string; role: string; parts: { type: string; text?: string }[] }): Message {
  const onlyText = m.parts.every((p) => p.type === 'text')
  return {
    role: m.role,
    content: onlyText
      ? m.parts.map((p) => p.text ?? '').join('')
      : m.parts.map((p) =>
          p.type === 'text' ? { type: 'text' as const, text: p.text ?? '' } : { ...p, type: p.type },
        ),
    id: m.id,
  }
}

/** Exact-match filter: every key of `filter` equals the same key of `value`. */
const matches = (value: Record<string, unknown>, filter: Record<string, unknown>) =>
  Object.entries(filter).every(([k, v]) => JSON.stringify(value[k]) === JSON.stringify(v))
