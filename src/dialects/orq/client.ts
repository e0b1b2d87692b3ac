// An AgentBackend for an Orq agent: each turn is a `stream-task` call, continuing the upstream task (Orq's
// conversation) with `task_id`; a pause on client tools is answered with a `tool` message of `tool_result` parts.
// Orq streams cannot be resumed (no event ids, no subscribe) and v2 tasks cannot be cancelled: a stream that drops
// before `inactive` fails the run, naming the drop; a cancel closes the stream.
import type { AgentBackend, AgentInfo, AgentYield, RunRequest } from '../../core/index.js'
import { BridgeError } from '../../core/index.js'
import type { SSEEvent } from '../../stream/index.js'
import type { UpstreamClientOptions } from '../../upstream/index.js'
import {
  createLinks,
  createUpstream,
  decodeEvents,
  eventJson,
  lazy,
  readWire,
  StreamDropped,
  UnknownEvent,
  upstreamBackend,
} from '../../upstream/index.js'
import type { OrqDecoderState } from './decode.js'
import { createDecoder, decode } from './decode.js'
import { encodeRequest } from './request.js'
import type { AgentStreamEvent } from './wire.js'
import { AgentManifest, AgentStreamEvent as AgentStreamEventSchema } from './wire.js'

export interface OrqClientOptions extends UpstreamClientOptions {
  /** Orq's base URL (`https://api.orq.ai`), without `/v2`. */
  url: string
  /** The Orq agent key (defaults to the agent id). */
  agentKey?: string
  /** `stream_timeout_seconds` sent with each turn (Orq's default: 1800). */
  streamTimeoutSeconds?: number
}

const LABEL = 'Orq agent'
const KNOWN = new Set<string>(AgentStreamEventSchema.options.map((o) => o.shape.type.value))

export function createOrqClient(options: OrqClientOptions): AgentBackend {
  const base = options.url.replace(/\/+$/, '')
  const key = options.agentKey ?? options.id
  const log = options.log ?? (() => {})
  const upstream = createUpstream({
    ...options,
    label: LABEL,
    protocolHeaders: { accept: 'text/event-stream, application/json' },
  })
  // Per bridge run and per conversation: the upstream task the next turn continues.
  const links = createLinks<string, string>(options.store, 'orq-client', options.id)
  const agentUrl = `${base}/v2/agents/${encodeURIComponent(key)}`

  const fallbackInfo: AgentInfo = {
    id: options.id,
    name: options.name ?? key,
    description: options.description ?? `Orq agent "${key}" at ${base}`,
    capabilities: { streaming: true, threads: true, interrupts: true, clientTools: true, push: false },
    inputModes: ['text/plain', 'application/octet-stream'],
    outputModes: ['text/plain', 'application/json'],
  }
  /** The agent's manifest names and describes it; an unreadable one leaves the configured name (logged). */
  const info = lazy(async (): Promise<AgentInfo> => {
    try {
      const manifest = readWire(LABEL, AgentManifest, await upstream.json(agentUrl), 'agent manifest')
      return {
        ...fallbackInfo,
        name: options.name ?? manifest.display_name ?? manifest.key,
        description: options.description ?? (manifest.description || fallbackInfo.description),
      }
    } catch (error) {
      log(`upstream ${LABEL} ${agentUrl}: manifest not read (${(error as Error).message}); using the configuration`)
      return fallbackInfo
    }
  })

  const told = new Set<string>()
  function read(message: SSEEvent): AgentStreamEvent | UnknownEvent | undefined {
    if (message.data === '[DONE]') return undefined
    const raw = eventJson(LABEL, message.data, 'stream event')
    const type = (raw as { type?: unknown } | null)?.type
    if (typeof type !== 'string' || !KNOWN.has(type)) {
      const name = typeof type === 'string' ? type : 'message'
      if (!told.has(name)) {
        told.add(name)
        log(`upstream ${LABEL} ${base}: an event this bridge does not know ('${name}') goes on as upstream.event`)
      }
      return new UnknownEvent('orq', name, raw)
    }
    return readWire(LABEL, AgentStreamEventSchema, raw, `'${type}' event`)
  }

  const client: AgentBackend = {
    info,

    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<AgentYield> {
      if (request.decisions?.length) {
        throw new BridgeError('unsupported', 'Orq agents take no approval decisions through their API.')
      }
      const taskId = (request.pending && (await links.run.get(request.runId))) || (await links.context.get(request.contextId))
      const body = encodeRequest(request, { taskId, streamTimeoutSeconds: options.streamTimeoutSeconds })
      if (!body.message.parts.length) {
        throw new BridgeError('invalid_request', 'Nothing to send to the Orq agent: the turn has no text, file or tool result.')
      }
      const url = `${agentUrl}/stream-task`
      const res = await upstream.fetch(url, { method: 'POST', body: JSON.stringify(body), signal })
      const decoder: OrqDecoderState = createDecoder()
      let linked = false
      // Linked as soon as Orq names the task, so the next turn (or the answer to a pause) continues it.
      const link = async () => {
        if (linked || !decoder.taskId) return
        linked = true
        await links.run.put(request.runId, decoder.taskId)
        await links.context.put(request.contextId, decoder.taskId)
      }
      try {
        yield* decodeEvents(upstream, res, { url, signal, warn: log }, { state: decoder, decode, read, hooks: { after: link } })
      } catch (error) {
        // Other dialects pick a dropped stream up again; Orq has no way to, so the turn fails here.
        if (!(error instanceof StreamDropped) || signal.aborted) throw error
        throw new BridgeError('upstream_failed', `${error.message.replace(/\.?$/, '.')} Orq streams cannot be resumed.`, {
          cause: error,
        })
      }
      if (!decoder.done && !signal.aborted) {
        throw new BridgeError(
          'upstream_failed',
          `The ${LABEL} stream ended before the agent finished (no event.agents.inactive); Orq streams cannot be resumed.`,
        )
      }
    },
  }
  return upstreamBackend(LABEL, client)
}
