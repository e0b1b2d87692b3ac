// An AgentBackend for an upstream A2A agent: reads its card, picks JSON-RPC or HTTP+JSON and v1.0 or v0.3 from
// `supportedInterfaces`, streams when the card allows (else sends and polls), re-subscribes when a stream drops.
import type { z } from 'zod'
import type { AgentBackend, AgentInfo, ErrorCode, RunRequest } from '../../core/index.js'
import { BridgeError } from '../../core/index.js'
import type { SSEEvent } from '../../stream/index.js'
import { sleep } from '../../stream/index.js'
import type { Upstream, UpstreamClientOptions } from '../../upstream/index.js'
import {
  createLinks,
  createUpstream,
  decodeEach,
  decodeEvents,
  delegate,
  eventJson,
  InvalidUpstreamData,
  lazy,
  readWire,
  StreamDropped,
  statusErrorOf,
  type UpstreamClient,
  type UpstreamYield,
  upstreamBackend,
} from '../../upstream/index.js'
import { fromV03Card, fromV03Event, fromV03Task, toV03SendParams } from './compat.js'
import type { A2ADecoderState } from './decode.js'
import { createDecoder, decode } from './decode.js'
import { encodeRequest } from './encode.js'
import type { A2AVersion } from './errors.js'
import { EXTENSION_URI } from './ext.js'
import type { AgentInterface, SendMessageRequest, StreamResponse, Task } from './wire.js'
import {
  AgentCard as AgentCardSchema,
  StreamResponse as StreamResponseSchema,
  Task as TaskSchema,
  V03AgentCard,
  V03StreamEvent,
  V03Task,
} from './wire.js'

export interface A2AClientOptions extends UpstreamClientOptions {
  /** The agent card's URL, or the base URL it sits under (`/.well-known/agent-card.json` is appended). */
  url: string
  /** Re-subscriptions after a stream drops before the task's turn ends. Default 3. */
  maxResubscribes?: number
  /** Polling interval for agents that cannot stream. Default 500 ms. */
  pollIntervalMs?: number
}

/**
 * A streamed call's answer: its SSE stream, with how one of its messages reads as an event (decoded by the bridge as
 * it comes, see `decodeEvents`), or the one result of an answer that is not a stream.
 */
type Answer =
  | { upstream: Upstream; res: Response; url: string; read: (message: SSEEvent) => StreamResponse }
  | { result: StreamResponse }

interface Transport {
  version: A2AVersion
  send(request: SendMessageRequest, signal: AbortSignal): Promise<StreamResponse>
  stream(request: SendMessageRequest, signal: AbortSignal): Promise<Answer>
  subscribe(taskId: string, signal: AbortSignal): Promise<Answer>
  getTask(taskId: string, signal?: AbortSignal): Promise<Task>
  cancel(taskId: string): Promise<void>
}

const LABEL = 'A2A agent'
/** The order in which interfaces are preferred: v1 JSON-RPC, v1 HTTP+JSON, then v0.3 JSON-RPC. */
const PREFERENCE: [string, string][] = [
  ['JSONRPC', '1.0'],
  ['HTTP+JSON', '1.0'],
  ['JSONRPC', '0.3'],
]

const wire = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => readWire(LABEL, schema, value, what)

export function createA2AClient(options: A2AClientOptions): AgentBackend {
  const maxResubscribes = options.maxResubscribes ?? 3
  const pollMs = options.pollIntervalMs ?? 500
  const log = options.log ?? (() => {})
  const links = createLinks<string, string>(options.store, 'a2a-client', options.id)
  const upstreamFor = (version: A2AVersion) =>
    createUpstream({
      ...options,
      label: LABEL,
      protocolHeaders: { accept: 'application/json, text/event-stream', 'a2a-version': version },
    })

  const connect = lazy(async () => {
    const cardUrl = /\.json($|\?)/.test(options.url)
      ? options.url
      : `${options.url.replace(/\/+$/, '')}/.well-known/agent-card.json`
    const raw = (await upstreamFor('1.0').json(cardUrl)) as Record<string, unknown>
    const card =
      Array.isArray(raw.supportedInterfaces) && raw.supportedInterfaces.length
        ? wire(AgentCardSchema, raw, 'agent card')
        : fromV03Card(wire(V03AgentCard, raw, 'agent card'))
    const pick = PREFERENCE.map(([binding, version]) =>
      card.supportedInterfaces.find(
        (i) => i.protocolBinding.toUpperCase() === binding && i.protocolVersion.startsWith(version),
      ),
    ).find((i): i is AgentInterface => i !== undefined)
    if (!pick) {
      throw new BridgeError(
        'upstream_failed',
        `The upstream ${LABEL} offers no interface this bridge speaks (JSON-RPC 1.0/0.3, HTTP+JSON 1.0).`,
      )
    }
    const version: A2AVersion = pick.protocolVersion.startsWith('0.3') ? '0.3' : '1.0'
    const upstream = upstreamFor(version)
    const transport =
      pick.protocolBinding.toUpperCase() === 'JSONRPC'
        ? jsonRpc(upstream, pick.url, version)
        : restTransport(upstream, pick.url)
    return { card, transport }
  })

  function jsonRpc(upstream: Upstream, url: string, version: A2AVersion): Transport {
    let nextId = 1
    const names =
      version === '1.0'
        ? {
            send: 'SendMessage',
            stream: 'SendStreamingMessage',
            subscribe: 'SubscribeToTask',
            get: 'GetTask',
            cancel: 'CancelTask',
          }
        : {
            send: 'message/send',
            stream: 'message/stream',
            subscribe: 'tasks/resubscribe',
            get: 'tasks/get',
            cancel: 'tasks/cancel',
          }
    const lift = (result: unknown): StreamResponse =>
      version === '1.0'
        ? wire(StreamResponseSchema, result, 'event')
        : fromV03Event(wire(V03StreamEvent, result, 'event'))
    const params = (request: SendMessageRequest) => (version === '1.0' ? request : toV03SendParams(request))

    // A JSON-RPC error may come with a 4xx status; its body says more than the status does.
    const call = (method: string, body: unknown, signal?: AbortSignal) =>
      upstream.fetch(url, {
        method: 'POST',
        body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params: body }),
        accept: (status) => status >= 400 && status < 500 && status !== 404 && status !== 429,
        ...(signal ? { signal } : {}),
      })
    /** The reply's result. A 4xx is read as JSON-RPC only when its body is a JSON-RPC reply (else: its status). */
    async function result(res: Response): Promise<unknown> {
      const text = await upstream.read(res, url)
      if (res.ok) return envelope(text, 'JSON-RPC response')
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        throw statusErrorOf(res, text, LABEL, url)
      }
      if (!isReply(body)) throw statusErrorOf(res, text, LABEL, url)
      return envelope(text, 'JSON-RPC response', res.status)
    }
    function envelope(text: string, what: string, status?: number): unknown {
      const body = eventJson(LABEL, text, what) as { result?: unknown; error?: { code?: number; message?: string } }
      if (body?.error) throw rpcError(body.error, status)
      return body?.result
    }
    /** A streamed answer (or the one result of an answer that is not a stream). */
    async function answer(called: Promise<Response>): Promise<Answer> {
      const res = await called
      if (!res.headers.get('content-type')?.startsWith('text/event-stream')) return { result: lift(await result(res)) }
      return { upstream, res, url, read: (message) => lift(envelope(message.data, 'event')) }
    }
    return {
      version,
      send: async (request, signal) => lift(await result(await call(names.send, params(request), signal))),
      stream: (request, signal) => answer(call(names.stream, params(request), signal)),
      subscribe: (taskId, signal) => answer(call(names.subscribe, { id: taskId }, signal)),
      getTask: async (taskId, signal) => {
        const task = await result(await call(names.get, { id: taskId }, signal))
        return version === '1.0' ? wire(TaskSchema, task, 'task') : fromV03Task(wire(V03Task, task, 'task'))
      },
      cancel: async (taskId) => void (await result(await call(names.cancel, { id: taskId }))),
    }
  }

  function restTransport(upstream: Upstream, base: string): Transport {
    const root = base.replace(/\/+$/, '')
    /** A streamed answer: its events as they come; an `error` event fails the stream. */
    async function answer(path: string, body: unknown, signal: AbortSignal): Promise<Answer> {
      const res = await post(path, body, signal)
      const read = (message: SSEEvent) => {
        const data = eventJson(LABEL, message.data, 'event')
        if (message.event === 'error') {
          throw new BridgeError('upstream_failed', `The upstream ${LABEL}'s stream failed: ${JSON.stringify(data)}`)
        }
        return wire(StreamResponseSchema, data, 'event')
      }
      return { upstream, res, url: `${root}${path}`, read }
    }
    const post = (path: string, body: unknown, signal?: AbortSignal) =>
      upstream.fetch(`${root}${path}`, {
        method: 'POST',
        body: body === undefined ? '' : JSON.stringify(body),
        ...(signal ? { signal } : {}),
      })
    const task = (taskId: string) => `/tasks/${encodeURIComponent(taskId)}`
    return {
      version: '1.0',
      send: async (request, signal) => {
        const body = JSON.stringify(request)
        const answer = await upstream.json(`${root}/message:send`, {
          method: 'POST',
          body,
          ...(signal ? { signal } : {}),
        })
        return wire(StreamResponseSchema, answer, 'response')
      },
      stream: (request, signal) => answer('/message:stream', request, signal),
      subscribe: (taskId, signal) => answer(`${task(taskId)}:subscribe`, undefined, signal),
      getTask: async (taskId, signal) =>
        wire(TaskSchema, await upstream.json(`${root}${task(taskId)}`, signal ? { signal } : {}), 'task'),
      cancel: (taskId) => upstream.send(`${root}${task(taskId)}:cancel`, { method: 'POST', body: '' }),
    }
  }

  /** Remembers the upstream ids once an answer names them, before their events go out. */
  function linker(request: RunRequest) {
    let linked = false
    // A promise only when there is something to write: every other event goes on without one.
    return (_event: StreamResponse, state: A2ADecoderState) => {
      if (linked || !state.taskId) return
      linked = true
      const { taskId, contextId } = state
      return links.run
        .put(request.runId, taskId)
        .then(() => (contextId ? links.context.put(request.contextId, contextId) : undefined))
    }
  }

  /**
   * An answer's events: a stream is handed to the bridge, which reads and decodes it as it comes (see `delegate`); a
   * single result is decoded here. `read` is told of the first message read (or of the result).
   */
  async function* answerEvents(
    answer: Answer,
    decoder: A2ADecoderState,
    request: RunRequest,
    signal: AbortSignal,
    read?: () => void,
  ): AsyncGenerator<UpstreamYield> {
    const after = linker(request)
    if ('result' in answer) {
      read?.()
      yield* decodeEach(only(answer.result), decoder, decode, { after })
      return
    }
    yield delegate(
      decodeEvents(
        answer.upstream,
        answer.res,
        { url: answer.url, signal, warn: log },
        {
          state: decoder,
          decode,
          read: (message) => {
            const event = answer.read(message)
            read?.()
            return event
          },
          hooks: { after },
        },
      ),
    )
  }

  const client: UpstreamClient = {
    async info(): Promise<AgentInfo> {
      const { card } = await connect()
      const extension = card.capabilities.extensions?.some((e) => e.uri === EXTENSION_URI) ?? false
      return {
        id: options.id,
        name: options.name ?? card.name,
        description: options.description ?? card.description,
        version: card.version,
        skills: card.skills.map((s) => ({
          id: s.id,
          name: s.name,
          description: s.description,
          tags: s.tags,
          ...(s.examples ? { examples: s.examples } : {}),
        })),
        capabilities: {
          streaming: card.capabilities.streaming ?? false,
          threads: true,
          interrupts: true,
          clientTools: extension,
          push: false,
        },
        inputModes: card.defaultInputModes,
        outputModes: card.defaultOutputModes,
        ext: { a2a: card },
      }
    },

    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<UpstreamYield> {
      const { card, transport } = await connect()
      const upstreamTask = request.pending ? await links.run.get(request.runId) : undefined
      const upstreamContext = await links.context.get(request.contextId)
      const message = encodeRequest(request, {
        ...(upstreamTask ? { taskId: upstreamTask } : {}),
        ...(upstreamContext ? { contextId: upstreamContext } : {}),
      })
      const decoder = createDecoder(upstreamTask ? { resumes: upstreamTask } : {})
      /** The blocking form: sent to return at once, then the task polled (below) until its turn ends. */
      const sendOnce = async () => ({
        result: await transport.send(
          { ...message, configuration: { ...message.configuration, returnImmediately: true } },
          signal,
        ),
      })
      let streamed = card.capabilities.streaming === true
      if (streamed) {
        let started = false
        const began = () => {
          started = true
        }
        try {
          yield* answerEvents(await transport.stream(message, signal), decoder, request, signal, began)
        } catch (error) {
          if (!started && !signal.aborted && refused(error)) {
            // Some agents stream a new task but not a follow-up (an SDK answers -32004): this call goes blocking.
            log(`the upstream ${LABEL} refused a streamed message (${(error as Error).message}); sending it blocking`)
            streamed = false
          } else if (signal.aborted || !(error instanceof StreamDropped) || !decoder.taskId) {
            throw error
          } else {
            // Only a stream that broke off once the task was named is picked up again: re-subscribed, then polled.
            log(`${error.message}; re-subscribing to task ${decoder.taskId}`)
          }
        }
      }
      if (streamed) {
        for (
          let attempt = 0;
          !decoder.done && !signal.aborted && decoder.taskId && attempt < maxResubscribes;
          attempt++
        ) {
          try {
            yield* answerEvents(await transport.subscribe(decoder.taskId, signal), decoder, request, signal)
          } catch (error) {
            if (signal.aborted || error instanceof InvalidUpstreamData) throw error
            // The agent may not offer re-subscription, or the stream broke again: polling finds how the task ends.
            log(`re-subscribing to task ${decoder.taskId} failed (${(error as Error).message}); polling it`)
            if (!(error instanceof StreamDropped)) break
          }
        }
      } else {
        yield* answerEvents(await sendOnce(), decoder, request, signal)
      }
      // Neither stream nor re-subscription saw the turn end: poll the task until it does.
      while (!decoder.done && !signal.aborted && decoder.taskId) {
        await sleep(pollMs, signal)
        yield* decode(decoder, { task: await transport.getTask(decoder.taskId, signal) })
      }
      if (!decoder.done && !signal.aborted) {
        throw new BridgeError(
          'upstream_failed',
          `The upstream ${LABEL}'s answer ended before it named a task or a reply.`,
        )
      }
    },

    async cancel(runId: string): Promise<void> {
      const taskId = await links.run.get(runId)
      if (!taskId) return
      const { transport } = await connect()
      await transport.cancel(taskId)
    },
  }
  return upstreamBackend(LABEL, client)
}

/** An upstream that will not take a streamed call (an unsupported method or operation), as opposed to one that failed. */
const refused = (error: unknown): boolean =>
  error instanceof BridgeError &&
  (error.code === 'unsupported' || [404, 405, 415, 501].includes(error.upstreamStatus ?? 0))

/** One value as an async iterable. */
async function* only<T>(value: T): AsyncGenerator<T> {
  yield value
}

const isReply = (body: unknown): boolean =>
  typeof body === 'object' && body !== null && 'jsonrpc' in body && ('error' in body || 'result' in body)

/** The canonical code of the A2A errors that have one (TaskNotFound, TaskNotCancelable, InvalidParams). */
const RPC_CODES: Record<number, ErrorCode> = {
  [-32004]: 'unsupported',
  [-32601]: 'unsupported',
  [-32001]: 'not_found',
  [-32002]: 'not_cancelable',
  [-32602]: 'invalid_request',
}

function rpcError(error: { code?: number; message?: string }, status?: number): BridgeError {
  const code = RPC_CODES[error.code ?? 0] ?? 'upstream_failed'
  const answered = status ? `answered ${status} with error` : 'answered error'
  return new BridgeError(
    code,
    `The upstream ${LABEL} ${answered} ${error.code ?? '(no code)'}: ${error.message ?? ''}`,
    {
      ...(status ? { upstreamStatus: status } : {}),
    },
  )
}
