// An AgentBackend for an upstream agent that speaks the Responses dialect (OpenAI or any compatible server).
import type { AgentBackend, AgentEvent, AgentInfo, RunRequest } from '../../core/index.js'
import { BridgeError } from '../../core/index.js'
import type { RunStore } from '../../store/index.js'
import { readSSE } from '../../stream/index.js'
import { createDecoder, decode } from './decode.js'
import type { ResponseDecoderState } from './decode.js'
import { encodeRequest } from './encode.js'
import { ResponseStreamEvent } from './wire.js'

export interface ResponsesClientOptions {
  /** The agent id on the bridge. */
  id: string
  /** The upstream's base URL, ending in `/v1`. */
  url: string
  headers?: Record<string, string>
  /** The upstream `model`; defaults to `id`. */
  model?: string
  name?: string
  description?: string
  /** Start upstream responses in background mode, so an explicit cancel reaches the upstream. */
  background?: boolean
  /** Where the client keeps its id chain (upstream response ids per run and per conversation). */
  store: RunStore
  /** How many times a stream that drops before its end is resumed with `starting_after`. Default 3. */
  maxResumes?: number
  fetch?: typeof fetch
}

/** The upstream response a run or a conversation continues from. */
interface UpstreamLink {
  responseId: string
  background: boolean
}

const LINKS = 'responses-client'

export function createResponsesClient(options: ResponsesClientOptions): AgentBackend {
  const base = options.url.replace(/\/+$/, '')
  const model = options.model ?? options.id
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const maxResumes = options.maxResumes ?? 3
  const background = options.background ?? false
  const { store } = options
  const runKey = (runId: string) => `run:${options.id}:${runId}`
  const contextKey = (contextId: string) => `ctx:${options.id}:${contextId}`

  const info: AgentInfo = {
    id: options.id,
    name: options.name ?? model,
    description: options.description ?? `Responses agent "${model}" at ${base}`,
    capabilities: { streaming: true, threads: true, interrupts: true, clientTools: true, push: false },
    inputModes: ['text/plain', 'image/*', 'application/pdf'],
    outputModes: ['text/plain'],
  }

  async function call(path: string, init: RequestInit): Promise<globalThis.Response> {
    let res: globalThis.Response
    try {
      res = await doFetch(`${base}${path}`, {
        ...init,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream, application/json',
          ...options.headers,
        },
      })
    } catch (error) {
      if (init.signal?.aborted) throw error
      throw new BridgeError('upstream_failed', `Could not reach the upstream at ${base}: ${(error as Error).message}`, {
        cause: error,
      })
    }
    if (!res.ok) throw await upstreamError(res)
    return res
  }

  /** Reads one SSE body into the decoder; returns whether the response reached its end. */
  async function* pump(
    res: globalThis.Response,
    decoder: ResponseDecoderState,
    signal: AbortSignal,
  ): AsyncGenerator<AgentEvent> {
    if (!res.body) return
    try {
      for await (const message of readSSE(res.body, signal)) {
        if (message.data === '[DONE]') return
        const parsed = ResponseStreamEvent.safeParse(safeJson(message.data))
        // Event types this bridge does not know (hosted tools, audio) are skipped, as the spec asks.
        if (!parsed.success) continue
        yield* decode(decoder, parsed.data)
        if (decoder.done) return
      }
    } catch (error) {
      if (signal.aborted) throw error
      // A dropped connection: the caller resumes from the last sequence number.
    }
  }

  return {
    info: () => info,

    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<AgentEvent> {
      const previous =
        (request.pending && (await store.getDoc<UpstreamLink>(LINKS, runKey(request.runId)))) ||
        (await store.getDoc<UpstreamLink>(LINKS, contextKey(request.contextId)))
      const body = encodeRequest(request, {
        model,
        previousResponseId: previous?.responseId,
        stream: true,
        background,
        store: true,
      })
      const decoder = createDecoder()
      let res = await call('/responses', { method: 'POST', body: JSON.stringify(body), signal })
      let linked = false
      for (let resumes = 0; ; resumes++) {
        for await (const event of pump(res, decoder, signal)) {
          if (!linked && decoder.responseId) {
            linked = true
            await store.putDoc<UpstreamLink>(LINKS, runKey(request.runId), {
              responseId: decoder.responseId,
              background,
            })
          }
          yield event
        }
        if (decoder.done || signal.aborted) break
        if (!decoder.responseId || resumes >= maxResumes) {
          throw new BridgeError('upstream_failed', 'The upstream stream ended before its response finished.')
        }
        const query = `stream=true&starting_after=${decoder.lastSequence}`
        res = await call(`/responses/${encodeURIComponent(decoder.responseId)}?${query}`, { method: 'GET', signal })
      }
      if (decoder.responseId) {
        await store.putDoc<UpstreamLink>(LINKS, contextKey(request.contextId), {
          responseId: decoder.responseId,
          background,
        })
      }
    },

    async cancel(runId: string): Promise<void> {
      const link = await store.getDoc<UpstreamLink>(LINKS, runKey(runId))
      // Foreground upstream responses stop when the bridge closes their stream; only background ones need a call.
      if (!link?.background) return
      await call(`/responses/${encodeURIComponent(link.responseId)}/cancel`, { method: 'POST' })
    },
  }
}

const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

async function upstreamError(res: globalThis.Response): Promise<BridgeError> {
  const body = safeJson(await res.text().catch(() => '')) as { error?: { message?: string; code?: string } } | undefined
  const detail = body?.error?.message ?? res.statusText
  const code =
    res.status === 404
      ? 'not_found'
      : res.status === 429
        ? 'rate_limited'
        : res.status === 401
          ? 'unauthenticated'
          : 'upstream_failed'
  return new BridgeError(code, `The upstream answered ${res.status}: ${detail}`, { wireCode: body?.error?.code })
}
