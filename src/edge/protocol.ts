import type { AgentEvent, ErrorCode, Message, RunEvent, RunInput } from '../core/index.js'
import { BridgeError, toBridgeError } from '../core/index.js'
import type { StartOptions } from '../bridge/runs.js'
import type { RunQuery, RunRecord } from '../store/types.js'

/**
 * What crosses a Durable Object RPC call. Errors travel as data (`Outcome`), because an exception thrown across RPC
 * keeps only its message, and faces need the BridgeError's code, param and status to answer in their dialect.
 */
export interface ErrorShape {
  code: ErrorCode
  message: string
  param?: string
  wireCode?: string
  status?: number
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ErrorShape }

export const errorShape = (e: unknown): ErrorShape => {
  const error = toBridgeError(e)
  return {
    code: error.code,
    message: error.message,
    ...(error.param ? { param: error.param } : {}),
    ...(error.wireCode ? { wireCode: error.wireCode } : {}),
    ...(error.fixedStatus ? { status: error.status } : {}),
  }
}

export const fromErrorShape = ({ code, message, ...options }: ErrorShape): BridgeError =>
  new BridgeError(code, message, options)

export async function outcome<T>(work: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await work() }
  } catch (e) {
    return { ok: false, error: errorShape(e) }
  }
}

export function unwrap<T>(result: Outcome<T>): T {
  if (result.ok) return result.value
  throw fromErrorShape(result.error)
}

export type Started = { record: RunRecord; afterSeq: number }

/** The object that hosts one run: its record, its bounded log and the producer of its turns. */
export interface RunObjectApi {
  createRun(record: RunRecord): Promise<Outcome<void>>
  getRun(runId: string): Promise<RunRecord | undefined>
  deleteRun(runId: string): Promise<void>
  append(runId: string, event: AgentEvent): Promise<Outcome<RunEvent>>
  /**
   * The log after `afterSeq` as a byte stream of batches; `reader` counts it as a client (disconnect policy).
   * `lifeline` is the receiver's end of the read (see `lifeline`).
   */
  read(
    runId: string,
    afterSeq: number,
    follow: boolean,
    reader: boolean,
    lifeline: ReadableStream<Uint8Array>,
  ): Promise<ReadableStream<Uint8Array>>
  start(runId: string, agentId: string, input: RunInput, options: StartOptions): Promise<Outcome<Started>>
  resume(runId: string, input: RunInput): Promise<Outcome<Started>>
  cancel(runId: string, reason?: string): Promise<Outcome<RunRecord>>
}

/** Where a document can be found again by `listDocs`. */
export interface DocKey {
  namespace: string
  key: string
}

/** An object holding one expiring value: a conversation's history or one document. */
export interface ValueObjectApi {
  get(): Promise<unknown>
  /** `index`: the document's key, so the directory can list it. */
  put(value: unknown, ttlMs: number, index?: DocKey): Promise<void>
  /** Appends to a list value, keeping its last `max` items. */
  append(items: readonly Message[], max: number, ttlMs: number): Promise<void>
  delete(): Promise<void>
}

export interface RunIndexEntry {
  runId: string
  agentId: string
  contextId: string
  createdAt: number
}

/** The one object that knows every run and document key, for listing. */
export interface DirectoryApi {
  indexRun(entry: RunIndexEntry): Promise<void>
  unindexRun(runId: string): Promise<void>
  /** Run ids, newest first, filtered and paged as asked. */
  queryRuns(query: RunQuery): Promise<string[]>
  indexDoc(doc: DocKey): Promise<void>
  unindexDoc(doc: DocKey): Promise<void>
  docKeys(namespace: string): Promise<string[]>
}

/** How the store reaches the objects (a Durable Object namespace's stubs, in the worker). */
export interface DurableObjects {
  run(runId: string): RunObjectApi
  value(name: string): ValueObjectApi
  directory(): DirectoryApi
}

type BatchLine = { events: RunEvent[] } | { error: ErrorShape }

const encoder = new TextEncoder()

/** How a batch stream's source is told to end: `signal` is a disconnect, `stop` a reader that is done. */
export interface ReadSignals {
  signal: AbortSignal
  stop: AbortSignal
}

export interface BatchStream {
  stream: ReadableStream<Uint8Array>
  /** Ends the read from the sending side (the receiver left); nothing once the read has ended. */
  release(disconnect: boolean): void
}

/**
 * Batches as newline-delimited JSON bytes (RPC streams carry bytes). Pull-based, so a reader that stops pulling
 * holds the producer back through the log's backpressure. A receiver that leaves early ends it with `release` (see
 * `lifeline`): a cancel does not reliably cross the RPC boundary, and a forgotten reader would hold the log back.
 */
export function batchStream(
  open: (signals: ReadSignals) => AsyncIterable<RunEvent[]>,
  onEnd: () => void = () => {},
): BatchStream {
  const disconnect = new AbortController()
  const stop = new AbortController()
  let batches: AsyncIterator<RunEvent[]> | undefined
  let ended = false
  const line = (value: BatchLine) => encoder.encode(`${JSON.stringify(value)}\n`)
  const end = () => {
    if (ended) return
    ended = true
    onEnd()
    void batches?.return?.(undefined)
  }
  const stream = new ReadableStream<Uint8Array>({
    async pull(out) {
      try {
        batches ??= open({ signal: disconnect.signal, stop: stop.signal })[Symbol.asyncIterator]()
        const next = await batches.next()
        if (!next.done) return out.enqueue(line({ events: next.value }))
        ended = true
        onEnd()
        out.close()
      } catch (e) {
        ended = true
        onEnd()
        out.enqueue(line({ error: errorShape(e) }))
        out.close()
      }
    },
    // Why the receiver left (stopped, or went away) comes over its lifeline, which may arrive after this.
    cancel() {},
  })
  return {
    stream,
    release(isDisconnect) {
      if (ended) return
      ;(isDisconnect ? disconnect : stop).abort()
      end()
    },
  }
}

const STOP = 1

/**
 * A read's lifeline, from receiver to sender: the receiver writes STOP when it stops reading on its own; the line
 * ending without it means the receiver went away. A stream, not a second call, because a request whose client
 * disconnected can no longer make calls, while the runtime still ends the streams it held.
 */
export function lifeline(): { readable: ReadableStream<Uint8Array>; leave(disconnect: boolean): void } {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
  const writer = writable.getWriter()
  return {
    readable,
    leave(disconnect) {
      if (!disconnect) void writer.write(new Uint8Array([STOP])).catch(() => {})
      void writer.close().catch(() => {})
    },
  }
}

/** Waits for the receiver's end of a read: `disconnect` unless it said it stopped on its own. */
export async function watchLifeline(
  line: ReadableStream<Uint8Array>,
  onEnd: (disconnect: boolean) => void,
): Promise<void> {
  let stopped = false
  try {
    const reader = line.getReader()
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      if (value.includes(STOP)) stopped = true
    }
  } catch {
    // An errored line is a receiver that went away.
  }
  onEnd(!stopped)
}

/**
 * The batches of a `batchStream`; an error line is thrown as the BridgeError it was. `release` is called when the
 * reader leaves before the end, with whether it left because `signal` aborted (a disconnect).
 */
export async function* readBatches(
  stream: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
  release?: (disconnect: boolean) => void,
): AsyncGenerator<RunEvent[]> {
  const reader = stream.getReader()
  const decoder = new TextDecoder()
  let ended = false
  const leave = () => {
    if (ended) return
    ended = true
    release?.(signal?.aborted ?? false)
    void reader.cancel().catch(() => {})
  }
  signal?.addEventListener('abort', leave, { once: true })
  let buffered = ''
  try {
    for (;;) {
      if (signal?.aborted) return
      const { done, value } = await reader.read()
      if (done) {
        ended = true
        return
      }
      buffered += decoder.decode(value, { stream: true })
      let newline: number
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const parsed = JSON.parse(buffered.slice(0, newline)) as BatchLine
        buffered = buffered.slice(newline + 1)
        if ('error' in parsed) {
          ended = true
          throw fromErrorShape(parsed.error)
        }
        yield parsed.events
      }
    }
  } finally {
    signal?.removeEventListener('abort', leave)
    leave()
  }
}
