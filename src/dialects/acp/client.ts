// An AgentBackend for an upstream ACP server: descriptor → AgentInfo; runs streamed (values snapshots diffed into
// deltas, or canonical events from a bridge's custom updates), interrupts and resume, cancel; threads for
// multi-turn when the agent has them, the conversation re-sent in `input` when it does not.
import type { AgentBackend, AgentEvent, AgentInfo, InterruptReason, RunRequest } from '../../core/index.js'
import { BridgeError } from '../../core/index.js'
import type { RunStore } from '../../store/index.js'
import { readSSE } from '../../stream/index.js'
import type { AcpDecoderState } from './decode.js'
import { createDecoder, decode, end, interruptEvents } from './decode.js'
import { encodeRequest, encodeResume } from './encode.js'
import { CANONICAL_EVENT_MARKER, GENERIC_TYPE } from './schemas.js'
import type { InputTemplate, OutputTemplate } from './template.js'
import { DEFAULT_INPUT, DEFAULT_OUTPUT, readOutput } from './template.js'
import type { AgentACPDescriptor, RunOutput, RunStateless } from './wire.js'
import {
  Agent,
  AgentACPDescriptor as DescriptorSchema,
  RunOutputStreamData,
  RunStateless as RunSchema,
  RunWaitResponseStateless,
} from './wire.js'

export interface AcpClientOptions {
  /** The agent id on the bridge. */
  id: string
  /** The ACP root URL (the paths `/agents/…`, `/runs/…` sit under it). */
  url: string
  headers?: Record<string, string>
  /** The upstream agent: its ACP id, or its name (`metadata.ref.name`) to search for. Default: the bridge id. */
  agentId?: string
  agentName?: string
  /** Where text goes in the agent's `input`, and where the answer is in its `values`. */
  input?: InputTemplate
  output?: OutputTemplate
  /** `config.configurable` sent with every run. */
  config?: Record<string, unknown>
  name?: string
  description?: string
  store: RunStore
  fetch?: typeof fetch
}

interface Upstream {
  agentId: string
  descriptor: AgentACPDescriptor
  threads: boolean
  streaming: boolean
  canonical: boolean
  reasons: Record<string, InterruptReason>
}

interface RunLink {
  runId: string
  threadId?: string
  lastEventId?: string
}

const LINKS = 'acp-client'
const REASONS: Record<string, InterruptReason> = Object.fromEntries(
  Object.entries(GENERIC_TYPE).map(([reason, type]) => [type, reason as InterruptReason]),
)

/** What an interrupt type is for, read from its resume schema when the agent names it its own way. */
function reasonOf(type: string, resume: Record<string, unknown>): InterruptReason {
  if (REASONS[type]) return REASONS[type]
  const props = Object.keys((resume.properties as Record<string, unknown> | undefined) ?? {})
  if (props.includes('approved') || props.includes('decisions')) return 'approval'
  if (props.includes('output') || props.includes('outputs')) return 'client_tool'
  return 'input'
}

export function createAcpClient(options: AcpClientOptions): AgentBackend {
  const base = options.url.replace(/\/+$/, '')
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init))
  const input = options.input ?? DEFAULT_INPUT
  const output = options.output ?? DEFAULT_OUTPUT
  const { store } = options
  const runKey = (runId: string) => `run:${options.id}:${runId}`
  const contextKey = (contextId: string) => `ctx:${options.id}:${contextId}`
  let resolved: Promise<Upstream> | undefined

  async function call(path: string, init: RequestInit = {}): Promise<globalThis.Response> {
    let res: globalThis.Response
    try {
      res = await doFetch(`${base}${path}`, {
        ...init,
        headers: {
          'content-type': 'application/json',
          accept: 'text/event-stream, application/json',
          ...options.headers,
          ...(init.headers as Record<string, string>),
        },
      })
    } catch (error) {
      if (init.signal?.aborted) throw error
      throw new BridgeError(
        'upstream_failed',
        `Could not reach the upstream ACP server at ${base}: ${(error as Error).message}`,
        { cause: error },
      )
    }
    if (res.ok) return res
    const text = await res.text().catch(() => '')
    let detail = text
    try {
      const body = JSON.parse(text) as unknown
      detail =
        typeof body === 'string'
          ? body
          : typeof (body as { detail?: unknown }).detail === 'string'
            ? (body as { detail: string }).detail
            : text
    } catch {
      // not JSON: keep the text
    }
    throw new BridgeError(
      res.status === 404 ? 'not_found' : 'upstream_failed',
      `The upstream ACP server answered ${res.status}: ${detail || res.statusText}`,
    )
  }
  const json = async <T>(path: string, init?: RequestInit) => (await (await call(path, init)).json()) as T

  async function resolve(): Promise<Upstream> {
    let agentId = options.agentId
    if (!agentId) {
      const found = Agent.array().parse(
        await json('/agents/search', {
          method: 'POST',
          body: JSON.stringify({ name: options.agentName ?? options.id }),
        }),
      )
      const all = found.length
        ? found
        : Agent.array().parse(await json('/agents/search', { method: 'POST', body: '{}' }))
      if (!found.length && all.length !== 1)
        throw new BridgeError(
          'upstream_failed',
          `The upstream ACP server has no agent named '${options.agentName ?? options.id}'; set acp.agentId.`,
        )
      agentId = (found[0] ?? all[0])?.agent_id ?? ''
    }
    const descriptor = DescriptorSchema.parse(await json(`/agents/${encodeURIComponent(agentId)}/descriptor`))
    const caps = descriptor.specs.capabilities
    const reasons = Object.fromEntries(
      (descriptor.specs.interrupts ?? []).map((i) => [i.interrupt_type, reasonOf(i.interrupt_type, i.resume_payload)]),
    )
    return {
      agentId,
      descriptor,
      threads: caps.threads ?? false,
      streaming: !!(caps.streaming?.values || caps.streaming?.custom),
      canonical:
        !!caps.streaming?.custom && descriptor.specs.custom_streaming_update?.[CANONICAL_EVENT_MARKER] !== undefined,
      reasons,
    }
  }
  const connect = () => {
    resolved ??= resolve()
    resolved.catch(() => (resolved = undefined))
    return resolved
  }

  /** Reads one SSE response; returns whether the decoder saw the turn end. */
  async function* pump(
    res: globalThis.Response,
    decoder: AcpDecoderState,
    link: RunLink,
    request: RunRequest,
    signal: AbortSignal,
  ): AsyncGenerator<AgentEvent> {
    if (!res.body) return
    try {
      for await (const message of readSSE(res.body, signal)) {
        let data: unknown
        try {
          data = JSON.parse(message.data)
        } catch {
          continue
        }
        const parsed = RunOutputStreamData.safeParse(data)
        if (!parsed.success) continue
        if (message.id) link.lastEventId = message.id
        const runId = parsed.data.run_id
        if (runId && runId !== link.runId) {
          link.runId = runId
          decoder.runId = runId
          await store.putDoc<RunLink>(LINKS, runKey(request.runId), link)
        }
        yield* decode(decoder, parsed.data)
        if (decoder.done) return
      }
    } finally {
      // Where this stream got to (even when the reader stops at the turn's end): a later join asks for what follows.
      if (link.runId) await store.putDoc<RunLink>(LINKS, runKey(request.runId), link)
    }
  }

  /** After a stream closed (or for an agent that cannot stream): the run's fate, from its status and /wait. */
  async function* settle(
    _up: Upstream,
    decoder: AcpDecoderState,
    link: RunLink,
    signal: AbortSignal,
  ): AsyncGenerator<AgentEvent> {
    if (decoder.done || !link.runId) return
    const prefix = link.threadId ? `/threads/${link.threadId}/runs/${link.runId}` : `/runs/${link.runId}`
    const waited = RunWaitResponseStateless.parse(await json(`${prefix}/wait`, { signal }))
    yield* outcome(decoder, waited.output, waited.run?.status)
  }

  function* outcome(
    decoder: AcpDecoderState,
    out: RunOutput | undefined,
    status: string | undefined,
  ): Generator<AgentEvent> {
    if (out?.type === 'interrupt') {
      decoder.done = true
      yield* interruptEvents(decoder, out.interrupt)
      yield { type: 'run.status', status: 'input_required' }
      return
    }
    if (out?.type === 'error' || status === 'error' || status === 'timeout') {
      decoder.done = true
      const description = out?.type === 'error' ? out.description : `The upstream run ended with status ${status}.`
      if (out?.type === 'error' && out.errcode === 499) yield { type: 'run.canceled', reason: description }
      else
        yield {
          type: 'run.failed',
          error: { code: status === 'timeout' ? 'timeout' : 'upstream_failed', message: description },
        }
      return
    }
    if (out?.type === 'result' && out.values !== undefined && !decoder.canonical) {
      const text = readOutput(decoder.output, out.values)
      yield* decode(decoder, { type: 'values', run_id: decoder.runId, status: 'pending', values: out.values })
      if (!text) decoder.text = ''
    }
    yield* end(decoder)
  }

  return {
    async info(): Promise<AgentInfo> {
      const up = await connect()
      const d = up.descriptor
      return {
        id: options.id,
        name: options.name ?? d.metadata.ref.name,
        description: options.description ?? d.metadata.description,
        version: d.metadata.ref.version,
        inputSchema: d.specs.input,
        outputSchema: d.specs.output,
        configSchema: d.specs.config,
        interrupts: (d.specs.interrupts ?? []).map((i) => ({
          type: i.interrupt_type,
          reason: up.reasons[i.interrupt_type] ?? 'input',
          payloadSchema: i.interrupt_payload,
          resumeSchema: i.resume_payload,
        })),
        capabilities: {
          streaming: up.streaming,
          threads: up.threads,
          interrupts: d.specs.capabilities.interrupts ?? false,
          clientTools: Object.values(up.reasons).includes('client_tool'),
          push: d.specs.capabilities.callbacks ?? false,
        },
        ext: { acp: d },
      }
    },

    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<AgentEvent> {
      const up = await connect()
      const previous = request.pending ? await store.getDoc<RunLink>(LINKS, runKey(request.runId)) : undefined
      const link: RunLink = previous ?? { runId: '' }
      const decoder = createDecoder({
        runId: link.runId || request.runId,
        output,
        canonical: up.canonical,
        reasons: up.reasons,
      })
      if (previous?.runId) {
        const prefix = previous.threadId
          ? `/threads/${previous.threadId}/runs/${previous.runId}`
          : `/runs/${previous.runId}`
        await call(prefix, { method: 'POST', body: JSON.stringify(encodeResume(request)), signal })
        if (up.streaming) {
          const headers: Record<string, string> = link.lastEventId ? { 'last-event-id': link.lastEventId } : {}
          yield* pump(await call(`${prefix}/stream`, { headers, signal }), decoder, link, request, signal)
        }
        yield* settle(up, decoder, link, signal)
        return
      }
      if (up.threads) {
        let threadId = await store.getDoc<string>(LINKS, contextKey(request.contextId))
        if (!threadId) {
          threadId = (
            (await json('/threads', {
              method: 'POST',
              body: JSON.stringify({ metadata: { bridge_context: request.contextId } }),
            })) as { thread_id: string }
          ).thread_id
          await store.putDoc(LINKS, contextKey(request.contextId), threadId)
        }
        link.threadId = threadId
      }
      const configurable = { ...options.config, ...request.config }
      const body = {
        agent_id: up.agentId,
        input: encodeRequest(request, input, !up.threads),
        ...(Object.keys(configurable).length ? { config: { configurable } } : {}),
        ...(request.metadata ? { metadata: request.metadata } : {}),
        stream_mode: up.canonical ? 'custom' : 'values',
        // The bridge decides about disconnects itself; an explicit cancel reaches the upstream.
        on_disconnect: 'continue',
      }
      const runs = link.threadId ? `/threads/${link.threadId}/runs` : '/runs'
      if (up.streaming) {
        yield* pump(
          await call(`${runs}/stream`, { method: 'POST', body: JSON.stringify(body), signal }),
          decoder,
          link,
          request,
          signal,
        )
      } else {
        const run = RunSchema.parse(
          await json(runs, { method: 'POST', body: JSON.stringify(body), signal }),
        ) as RunStateless
        link.runId = run.run_id
        decoder.runId = run.run_id
        await store.putDoc<RunLink>(LINKS, runKey(request.runId), link)
      }
      yield* settle(up, decoder, link, signal)
    },

    async cancel(runId: string): Promise<void> {
      const link = await store.getDoc<RunLink>(LINKS, runKey(runId))
      if (!link?.runId) return
      const prefix = link.threadId ? `/threads/${link.threadId}/runs/${link.runId}` : `/runs/${link.runId}`
      await call(`${prefix}/cancel`, { method: 'POST' })
    },
  }
}
