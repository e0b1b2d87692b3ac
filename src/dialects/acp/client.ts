// An AgentBackend for an upstream ACP server: descriptor → AgentInfo; runs streamed (values snapshots diffed into
// deltas, or canonical events from a bridge's custom updates), interrupts and resume, cancel; threads for
// multi-turn when the agent has them, the conversation re-sent in `input` when it does not.
import { z } from 'zod'
import type { AgentBackend, AgentEvent, AgentInfo, InterruptReason, RunRequest } from '../../core/index.js'
import { BridgeError } from '../../core/index.js'
import type { SSEEvent } from '../../stream/index.js'
import { sleep } from '../../stream/index.js'
import type { CallInit, UpstreamClientOptions } from '../../upstream/index.js'
import {
  createLinks,
  createUpstream,
  decodeEvents,
  delegate,
  eventJson,
  lazy,
  readWire,
  StreamDropped,
  type UnknownEvent,
  unknownEvents,
  upstreamBackend,
  type UpstreamClient,
  type UpstreamYield,
} from '../../upstream/index.js'
import type { AcpDecoderState } from './decode.js'
import { createDecoder, decode, end, interruptEvents, isKnownData } from './decode.js'
import { encodeRequest, encodeResume } from './encode.js'
import { CANONICAL_EVENT_MARKER, GENERIC_TYPE } from './schemas.js'
import type { InputTemplate, OutputTemplate } from './template.js'
import { DEFAULT_INPUT, DEFAULT_OUTPUT, readOutput } from './template.js'
import type { AgentACPDescriptor, RunOutput, RunOutputStreamData } from './wire.js'
import {
  Agent,
  AgentACPDescriptor as DescriptorSchema,
  RunOutputStreamData as StreamDataSchema,
  RunStateless as RunSchema,
  RunWaitResponseStateless,
} from './wire.js'

export interface AcpClientOptions extends UpstreamClientOptions {
  /** The ACP root URL (the paths `/agents/…`, `/runs/…` sit under it). */
  url: string
  /** The upstream agent: its ACP id, or its name (`metadata.ref.name`) to search for. Default: the bridge id. */
  agentId?: string
  agentName?: string
  /** Where text goes in the agent's `input`, and where the answer is in its `values`. */
  input?: InputTemplate
  output?: OutputTemplate
  /** `config.configurable` sent with every run. */
  config?: Record<string, unknown>
  /** Pause between /wait calls that came back while the run was still going. Default 500 ms. */
  pollIntervalMs?: number
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

const LABEL = 'ACP server'
/** Joins of a run's stream after it broke off, before /wait is asked instead. */
const MAX_REJOINS = 2
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
  const input = options.input ?? DEFAULT_INPUT
  const output = options.output ?? DEFAULT_OUTPUT
  const log = options.log ?? (() => {})
  const upstream = createUpstream({
    ...options,
    label: LABEL,
    protocolHeaders: { accept: 'text/event-stream, application/json' },
  })
  const links = createLinks<RunLink, string>(options.store, 'acp-client', options.id)
  /** Whether to name a `stream_mode`; off once the server has refused one. */
  let streamMode = true
  /** The kinds of unknown stream data already logged. */
  const unknown = unknownEvents('acp', `${LABEL} ${base}`, log, 'stream data')
  const pollMs = options.pollIntervalMs ?? 500
  const call = (path: string, init: CallInit = {}) => upstream.fetch(`${base}${path}`, init)
  const json = (path: string, init?: CallInit) => upstream.json(`${base}${path}`, init)

  const connect = lazy(async (): Promise<Upstream> => {
    let agentId = options.agentId
    if (!agentId) {
      const search = async (body: unknown) =>
        readWire(
          LABEL,
          Agent.array(),
          await json('/agents/search', { method: 'POST', body: JSON.stringify(body) }),
          'agent list',
        )
      const found = await search({ name: options.agentName ?? options.id })
      const all = found.length ? found : await search({})
      if (!found.length && all.length !== 1)
        throw new BridgeError(
          'upstream_failed',
          `The upstream ${LABEL} has no agent named '${options.agentName ?? options.id}'; set acp.agentId.`,
        )
      agentId = (found[0] ?? all[0])?.agent_id ?? ''
    }
    const descriptor = readWire(
      LABEL,
      DescriptorSchema,
      await json(`/agents/${encodeURIComponent(agentId)}/descriptor`),
      'agent descriptor',
    )
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
  })

  /** Reads one SSE answer into the decoder, following the upstream run id it names and the last event id. */
  async function* pump(
    res: Response,
    path: string,
    decoder: AcpDecoderState,
    link: RunLink,
    request: RunRequest,
    signal: AbortSignal,
  ): AsyncGenerator<UpstreamYield> {
    // Stream data of a type this bridge does not know goes on as `upstream.event` (said once per type).
    const read = (message: SSEEvent): RunOutputStreamData | UnknownEvent | undefined => {
      const raw = eventJson(LABEL, message.data, `event${message.id ? ` ${message.id}` : ''}`)
      if (message.id) link.lastEventId = message.id
      if (!isKnownData(raw)) {
        const type = (raw as { type?: unknown } | null)?.type
        return unknown(typeof type === 'string' ? type : (message.event ?? 'message'), raw, describe(raw))
      }
      return readWire(LABEL, StreamDataSchema, raw, `'${(raw as { type: string }).type}' stream data`)
    }
    const follow = (data: RunOutputStreamData) => {
      const runId = data.run_id
      if (!runId || runId === link.runId) return
      link.runId = runId
      decoder.runId = runId
      return links.run.put(request.runId, link)
    }
    try {
      const options = { url: `${base}${path}`, signal, warn: log }
      yield delegate(decodeEvents(upstream, res, options, { state: decoder, decode, read, hooks: { before: follow } }))
    } finally {
      // Where this stream got to (even when the reader stops at the turn's end): a later join asks for what follows.
      if (link.runId) await links.run.put(request.runId, link)
    }
  }

  /**
   * A run's stream, followed to its end: a stream that breaks off is joined again after the last event id it gave
   * (twice at most; then /wait tells how the run ended).
   */
  async function* follow(
    res: Response,
    path: string,
    decoder: AcpDecoderState,
    link: RunLink,
    request: RunRequest,
    signal: AbortSignal,
  ): AsyncGenerator<UpstreamYield> {
    for (let rejoins = 0; ; rejoins++) {
      try {
        return yield* pump(res, path, decoder, link, request, signal)
      } catch (error) {
        if (signal.aborted || !(error instanceof StreamDropped) || !link.runId) throw error
        log(`${error.message}; ${rejoins < MAX_REJOINS ? `joining run ${link.runId} again` : 'waiting for its end'}`)
        if (rejoins >= MAX_REJOINS) return
      }
      path = `${runPath(link)}/stream`
      res = await call(path, { headers: link.lastEventId ? { 'last-event-id': link.lastEventId } : {}, signal })
    }
  }

  /** After a stream closed (or for an agent that cannot stream): the run's fate, from its status and /wait. */
  async function* settle(decoder: AcpDecoderState, link: RunLink, signal: AbortSignal): AsyncGenerator<AgentEvent> {
    if (decoder.done) return
    if (!link.runId)
      throw new BridgeError('upstream_failed', `The upstream ${LABEL}'s stream ended before it named a run.`)
    // /wait blocks until the run leaves `pending`, or (on some servers) until a timeout of its own: then ask again.
    for (;;) {
      const waited = readWire(
        LABEL,
        RunWaitResponseStateless,
        await json(`${runPath(link)}/wait`, { signal, longPoll: true }),
        'run wait response',
      )
      if (waited.output || waited.run?.status !== 'pending')
        return yield* outcome(decoder, waited.output, waited.run?.status)
      await sleep(pollMs, signal)
    }
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

  const client: UpstreamClient = {
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

    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<UpstreamYield> {
      const up = await connect()
      const previous = request.pending ? await links.run.get(request.runId) : undefined
      const link: RunLink = previous ?? { runId: '' }
      const decoder = createDecoder({
        runId: link.runId || request.runId,
        output,
        canonical: up.canonical,
        reasons: up.reasons,
      })
      if (previous?.runId) {
        const prefix = runPath(previous)
        await upstream.send(`${base}${prefix}`, { method: 'POST', body: JSON.stringify(encodeResume(request)), signal })
        if (up.streaming) {
          const headers: Record<string, string> = link.lastEventId ? { 'last-event-id': link.lastEventId } : {}
          const path = `${prefix}/stream`
          yield* follow(await call(path, { headers, signal }), path, decoder, link, request, signal)
        }
        yield* settle(decoder, link, signal)
        return
      }
      if (up.threads) {
        let threadId = await links.context.get(request.contextId)
        if (!threadId) {
          const body = JSON.stringify({ metadata: { bridge_context: request.contextId } })
          const thread = readWire(LABEL, ThreadId, await json('/threads', { method: 'POST', body }), 'thread')
          threadId = thread.thread_id
          await links.context.put(request.contextId, threadId)
        }
        link.threadId = threadId
      }
      const body = {
        agent_id: up.agentId,
        input: encodeRequest(request, input, !up.threads),
        // Sent even when empty: some servers require `config`.
        config: { configurable: { ...options.config, ...request.config } },
        ...(request.metadata ? { metadata: request.metadata } : {}),
        // Only a streamed run is asked for a mode (it means nothing otherwise, and strict servers refuse it).
        ...(streamMode && up.streaming ? { stream_mode: up.canonical ? 'custom' : 'values' } : {}),
        // The bridge decides about disconnects itself; an explicit cancel reaches the upstream.
        on_disconnect: 'continue',
      }
      const runs = link.threadId ? `/threads/${link.threadId}/runs` : '/runs'
      if (up.streaming) {
        const path = `${runs}/stream`
        const res = await call(path, { method: 'POST', body: JSON.stringify(body), signal }).catch((error: unknown) => {
          // A server that refuses `stream_mode` (422) streams its default mode: asked again without it, from now on.
          if (!streamMode || !(error instanceof BridgeError) || error.upstreamStatus !== 422) throw error
          const { stream_mode: _, ...plain } = body
          // Off for good only once the plain request is taken: a 422 for another reason fails both alike.
          return call(path, { method: 'POST', body: JSON.stringify(plain), signal }).then((res) => {
            log(`the upstream ${LABEL} refused stream_mode (${error.message}); asking without it from now on`)
            streamMode = false
            return res
          })
        })
        yield* follow(res, path, decoder, link, request, signal)
      } else {
        const raw = await json(runs, { method: 'POST', body: JSON.stringify(body), signal })
        const run = readWire(LABEL, RunSchema, raw, 'run')
        link.runId = run.run_id
        decoder.runId = run.run_id
        await links.run.put(request.runId, link)
      }
      yield* settle(decoder, link, signal)
    },

    async cancel(runId: string): Promise<void> {
      const link = await links.run.get(runId)
      if (!link?.runId) return
      await upstream.send(`${base}${runPath(link)}/cancel`, { method: 'POST' })
    },
  }
  return upstreamBackend(LABEL, client)
}

/** Where an upstream run lives: on its thread, or stateless. */
const runPath = (link: RunLink) =>
  link.threadId ? `/threads/${link.threadId}/runs/${link.runId}` : `/runs/${link.runId}`

const ThreadId = z.looseObject({ thread_id: z.string() })

const describe = (raw: unknown): string => {
  const type = (raw as { type?: unknown } | null)?.type
  return typeof type === 'string' ? `'${type}'` : 'no type'
}
