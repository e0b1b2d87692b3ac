// ACP threads over the bridge's conversations: a thread is a context (thread_id = the context id as a UUID); its
// status and values come from its latest run, its messages from the conversation's history.
import type { BridgeRuntime } from '../../bridge/face.js'
import type { RunRecord } from '../../store/index.js'
import { conflict, invalid, notFound } from './errors.js'
import { fromUuid, toUuid } from './ids.js'
import { iso, matches, runView } from './runs.js'
import type { Message, Thread, ThreadStatus } from './wire.js'
import { cloneData } from '../../core/index.js'

export interface ThreadDoc {
  threadId: string
  createdAt: number
  updatedAt: number
  metadata: Record<string, unknown>
  values?: unknown
  messages?: Message[]
  deleted?: boolean
}

const THREADS = 'acp:thread'

export class AcpThreads {
  constructor(private readonly runtime: BridgeRuntime) {}

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
    const copy = await this.createThread({ metadata: cloneData(doc.metadata) })
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
    const encoder = latest ? await runView(this.runtime.store, latest) : undefined
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
      const encoder = await runView(this.runtime.store, r)
      states.push({
        checkpoint: { checkpoint_id: toUuid(r.runId) },
        values: cloneData(encoder.values) as unknown as Record<string, unknown>,
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
