// An AgentBackend for an upstream A2A agent: reads its card, picks JSON-RPC or HTTP+JSON and v1.0 or v0.3 from
// `supportedInterfaces`, streams when the card allows (else sends and polls), re-subscribes when a stream drops.
import type { AgentBackend, AgentEvent, AgentInfo, RunRequest } from '../../core/index.js'
import type { z } from 'zod'
import { BridgeError, fieldPath } from '../../core/index.js'
import type { RunStore } from '../../store/index.js'
import { readSSE, sleep } from '../../stream/index.js'
import { fromV03Card, fromV03Event, fromV03Task, toV03SendParams } from './compat.js'
import type { A2ADecoderState } from './decode.js'
import { createDecoder, decode } from './decode.js'
import { encodeRequest } from './encode.js'
import { EXTENSION_URI } from './ext.js'
import type { A2AVersion } from './errors.js'
import type { AgentCard, AgentInterface, SendMessageRequest, StreamResponse, Task } from './wire.js'
import {
  AgentCard as AgentCardSchema,
  StreamResponse as StreamResponseSchema,
  Task as TaskSchema,
  V03AgentCard,
  V03StreamEvent,
  V03Task,
} from './wire.js'

export interface A2AClientOptions {
  /** The agent id on the bridge. */
  id: string
  /** The agent card's URL, or the base URL it sits under (`/.well-known/agent-card.json` is appended). */
  url: string
  headers?: Record<string, string>
  name?: string
  description?: string
  /** Where the client keeps its id maps (upstream task per run, upstream context per conversation). */
  store: RunStore
  fetch?: typeof fetch
  /** Re-subscriptions after a stream drops before the task's turn ends. Default 3. */
  maxResubscribes?: number
  /** Polling interval for agents that cannot stream. Default 500 ms. */
  pollIntervalMs?: number
}

interface Transport {
  version: A2AVersion
  send(request: SendMessageRequest, signal: AbortSignal): Promise<StreamResponse>
  stream(request: SendMessageRequest, signal: AbortSignal): AsyncIterable<StreamResponse>
  subscribe(taskId: string, signal: AbortSignal): AsyncIterable<StreamResponse>
  getTask(taskId: string, signal?: AbortSignal): Promise<Task>
  cancel(taskId: string): Promise<void>
}

const LINKS = 'a2a-client'
/** The order in which interfaces are preferred: v1 JSON-RPC, v1 HTTP+JSON, then v0.3 JSON-RPC. */
const PREFERENCE: [string, string][] = [
  ['JSONRPC', '1.0'],
  ['HTTP+JSON', '1.0'],
  ['JSONRPC', '0.3'],
]

export function createA2AClient(options: A2AClientOptions): AgentBackend {
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const { store } = options
  const maxResubscribes = options.maxResubscribes ?? 3
  const pollMs = options.pollIntervalMs ?? 500
  let resolved: Promise<{ card: AgentCard; transport: Transport }> | undefined

  const runKey = (runId: string) => `run:${options.id}:${runId}`
  const contextKey = (contextId: string) => `ctx:${options.id}:${contextId}`

  async function http(url: string, init: RequestInit, version: A2AVersion): Promise<globalThis.Response> {
    try {
      return await doFetch(url, {
        ...init,
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'a2a-version': version,
          ...options.headers,
          ...(init.headers as Record<string, string>),
        },
      })
    } catch (error) {
      if (init.signal?.aborted) throw error
      throw new BridgeError(
        'upstream_failed',
        `Could not reach the upstream A2A agent at ${url}: ${(error as Error).message}`,
        { cause: error },
      )
    }
  }

  async function resolve() {
    const cardUrl = /\.json($|\?)/.test(options.url)
      ? options.url
      : `${options.url.replace(/\/+$/, '')}/.well-known/agent-card.json`
    const res = await http(cardUrl, { method: 'GET' }, '1.0')
    if (!res.ok)
      throw new BridgeError('upstream_failed', `The upstream agent card at ${cardUrl} answered ${res.status}.`)
    const raw = (await res.json()) as Record<string, unknown>
    const card =
      Array.isArray(raw.supportedInterfaces) && raw.supportedInterfaces.length
        ? wire(AgentCardSchema, raw, 'agent card')
        : fromV03Card(wire(V03AgentCard, raw, 'agent card'))
    const pick = PREFERENCE.map(([binding, version]) =>
      card.supportedInterfaces.find(
        (i) => i.protocolBinding.toUpperCase() === binding && i.protocolVersion.startsWith(version),
      ),
    ).find((i): i is AgentInterface => i !== undefined)
    if (!pick)
      throw new BridgeError(
        'upstream_failed',
        `The upstream agent offers no interface this bridge speaks (JSON-RPC 1.0/0.3, HTTP+JSON 1.0).`,
      )
    const version: A2AVersion = pick.protocolVersion.startsWith('0.3') ? '0.3' : '1.0'
    const transport =
      pick.protocolBinding.toUpperCase() === 'JSONRPC' ? jsonRpc(pick.url, version) : restTransport(pick.url)
    return { card, transport }
  }

  const connect = () => {
    resolved ??= resolve()
    resolved.catch(() => (resolved = undefined))
    return resolved
  }

  function jsonRpc(url: string, version: A2AVersion): Transport {
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

    async function call(method: string, body: unknown, signal?: AbortSignal) {
      const res = await http(
        url,
        {
          method: 'POST',
          body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params: body }),
          ...(signal ? { signal } : {}),
        },
        version,
      )
      return res
    }
    async function result(res: globalThis.Response): Promise<unknown> {
      const body = (await res.json().catch(() => undefined)) as
        | { result?: unknown; error?: { code: number; message: string } }
        | undefined
      if (!body)
        throw new BridgeError('upstream_failed', `The upstream answered ${res.status} without a JSON-RPC body.`)
      if (body.error) throw rpcError(body.error)
      return body.result
    }
    async function* events(res: globalThis.Response, signal: AbortSignal): AsyncGenerator<StreamResponse> {
      if (!res.headers.get('content-type')?.startsWith('text/event-stream')) {
        yield lift(await result(res))
        return
      }
      for await (const message of readSSE(res.body as ReadableStream<Uint8Array>, signal)) {
        const body = JSON.parse(message.data) as { result?: unknown; error?: { code: number; message: string } }
        if (body.error) throw rpcError(body.error)
        yield lift(body.result)
      }
    }
    return {
      version,
      send: async (request, signal) => lift(await result(await call(names.send, params(request), signal))),
      stream: async function* (request, signal) {
        yield* events(await call(names.stream, params(request), signal), signal)
      },
      subscribe: async function* (taskId, signal) {
        yield* events(await call(names.subscribe, { id: taskId }, signal), signal)
      },
      getTask: async (taskId, signal) => {
        const task = await result(await call(names.get, { id: taskId }, signal))
        return version === '1.0' ? wire(TaskSchema, task, 'task') : fromV03Task(wire(V03Task, task, 'task'))
      },
      cancel: async (taskId) => void (await result(await call(names.cancel, { id: taskId }))),
    }
  }

  function restTransport(base: string): Transport {
    const url = base.replace(/\/+$/, '')
    async function ok(res: globalThis.Response): Promise<globalThis.Response> {
      if (res.ok) return res
      const body = (await res.json().catch(() => undefined)) as { error?: { message?: string } } | undefined
      throw new BridgeError(
        res.status === 404 ? 'not_found' : 'upstream_failed',
        `The upstream answered ${res.status}: ${body?.error?.message ?? res.statusText}`,
      )
    }
    async function* events(res: globalThis.Response, signal: AbortSignal): AsyncGenerator<StreamResponse> {
      for await (const message of readSSE((await ok(res)).body as ReadableStream<Uint8Array>, signal)) {
        if (message.event === 'error')
          throw new BridgeError('upstream_failed', `The upstream stream failed: ${message.data}`)
        yield wire(StreamResponseSchema, safeJson(message.data), 'event')
      }
    }
    const post = (path: string, body: unknown, signal?: AbortSignal) =>
      http(
        `${url}${path}`,
        { method: 'POST', body: body === undefined ? '' : JSON.stringify(body), ...(signal ? { signal } : {}) },
        '1.0',
      )
    return {
      version: '1.0',
      send: async (request, signal) =>
        wire(StreamResponseSchema, await (await ok(await post('/message:send', request, signal))).json(), 'response'),
      stream: async function* (request, signal) {
        yield* events(await post('/message:stream', request, signal), signal)
      },
      subscribe: async function* (taskId, signal) {
        yield* events(await post(`/tasks/${encodeURIComponent(taskId)}:subscribe`, undefined, signal), signal)
      },
      getTask: async (taskId, signal) => {
        const res = await ok(
          await http(
            `${url}/tasks/${encodeURIComponent(taskId)}`,
            { method: 'GET', ...(signal ? { signal } : {}) },
            '1.0',
          ),
        )
        return wire(TaskSchema, await res.json(), 'task')
      },
      cancel: async (taskId) => void (await ok(await post(`/tasks/${encodeURIComponent(taskId)}:cancel`, undefined))),
    }
  }

  /** Feeds upstream events to the decoder, remembering the upstream ids as soon as they are known. */
  async function* pump(
    source: AsyncIterable<StreamResponse>,
    decoder: A2ADecoderState,
    request: RunRequest,
  ): AsyncGenerator<AgentEvent> {
    let linked = false
    for await (const event of source) {
      const out = decode(decoder, event)
      if (!linked && decoder.taskId) {
        linked = true
        await store.putDoc(LINKS, runKey(request.runId), decoder.taskId)
        if (decoder.contextId) await store.putDoc(LINKS, contextKey(request.contextId), decoder.contextId)
      }
      yield* out
      if (decoder.done) return
    }
  }

  return {
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

    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<AgentEvent> {
      const { card, transport } = await connect()
      const upstreamTask = request.pending ? await store.getDoc<string>(LINKS, runKey(request.runId)) : undefined
      const upstreamContext = await store.getDoc<string>(LINKS, contextKey(request.contextId))
      const message = encodeRequest(request, {
        ...(upstreamTask ? { taskId: upstreamTask } : {}),
        ...(upstreamContext ? { contextId: upstreamContext } : {}),
      })
      const decoder = createDecoder(upstreamTask ? { resumes: upstreamTask } : {})
      if (card.capabilities.streaming) {
        try {
          yield* pump(transport.stream(message, signal), decoder, request)
        } catch (error) {
          if (signal.aborted || !decoder.taskId) throw error
        }
        for (
          let attempt = 0;
          !decoder.done && !signal.aborted && decoder.taskId && attempt < maxResubscribes;
          attempt++
        ) {
          try {
            yield* pump(transport.subscribe(decoder.taskId, signal), decoder, request)
          } catch (error) {
            if (signal.aborted) throw error
          }
        }
      } else {
        yield* pump(
          (async function* () {
            yield await transport.send(
              { ...message, configuration: { ...message.configuration, returnImmediately: true } },
              signal,
            )
          })(),
          decoder,
          request,
        )
      }
      // Neither stream nor re-subscription saw the turn end: poll the task until it does.
      while (!decoder.done && !signal.aborted && decoder.taskId) {
        await sleep(pollMs, signal)
        yield* decode(decoder, { task: await transport.getTask(decoder.taskId, signal) })
      }
    },

    async cancel(runId: string): Promise<void> {
      const taskId = await store.getDoc<string>(LINKS, runKey(runId))
      if (!taskId) return
      const { transport } = await connect()
      await transport.cancel(taskId)
    },
  }
}

/** Upstream data validated with zod; what does not fit is the upstream's failure, said plainly. */
function wire<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new BridgeError(
    'upstream_failed',
    `The upstream A2A agent sent an invalid ${what}: ${issue ? `${fieldPath(issue.path)} ${issue.message}` : 'unreadable'}.`,
  )
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function rpcError(error: { code: number; message: string }): BridgeError {
  const code = error.code === -32001 ? 'not_found' : error.code === -32602 ? 'invalid_request' : 'upstream_failed'
  return new BridgeError(code, `The upstream A2A agent answered error ${error.code}: ${error.message}`)
}
