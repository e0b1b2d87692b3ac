import type { AgentBackend, AgentInfo, RunRequest } from '../../core/index.js'
import { BridgeError } from '../../core/index.js'
import type { SSEEvent } from '../../stream/index.js'
import { sleep } from '../../stream/index.js'
import type { UpstreamClientOptions } from '../../upstream/index.js'
import {
  createLinks,
  createUpstream,
  decodeEvents,
  delegate,
  eventJson,
  lazy,
  readWire,
  statusError,
  StreamDropped,
  type UnknownEvent,
  unknownEvents,
  upstreamBackend,
  type UpstreamClient,
  type UpstreamYield,
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
/** A continuation refused while the task is still active: tried again this often, after 50, 100, 200, 400 ms. */
const BUSY_RETRIES = 4
const BUSY_BACKOFF_MS = 50

export function createOrqClient(options: OrqClientOptions): AgentBackend {
  // Read when a client is made, not at import: the wire schemas are built on first use (lazySchema).
  const known = new Set<string>(AgentStreamEventSchema.options.map((o) => o.shape.type.value))
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

  // Per pending tool call: the task paused on it.
  const callLinks = createLinks<string, string>(options.store, 'orq-client-call', options.id).run

  /**
   * A turn's stream-task call. A continuation may find the task still finishing the stream before (Orq takes a
   * `task_id` only once the task is inactive, and the bridge stops reading at `inactive`): a 409 is tried again,
   * briefly.
   */
  async function post(url: string, body: string, continuation: boolean, signal: AbortSignal): Promise<Response> {
    const busy = (status: number) => continuation && status === 409
    for (let attempt = 0; ; attempt++) {
      const res = await upstream.fetch(url, { method: 'POST', body, signal, accept: busy })
      if (!busy(res.status)) return res
      if (attempt >= BUSY_RETRIES) throw await statusError(res, LABEL, url)
      await res.body?.cancel()
      await sleep(BUSY_BACKOFF_MS * 2 ** attempt, signal)
    }
  }

  const unknown = unknownEvents('orq', `${LABEL} ${base}`, log)
  function read(message: SSEEvent): AgentStreamEvent | UnknownEvent | undefined {
    if (message.data === '[DONE]') return undefined
    const raw = eventJson(LABEL, message.data, 'stream event')
    const type = (raw as { type?: unknown } | null)?.type
    if (typeof type !== 'string' || !known.has(type)) {
      return unknown(typeof type === 'string' ? type : 'message', raw)
    }
    return readWire(LABEL, AgentStreamEventSchema, raw, `'${type}' event`)
  }

  const client: UpstreamClient = {
    info,

    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<UpstreamYield> {
      if (request.decisions?.length) {
        throw new BridgeError('unsupported', 'Orq agents take no approval decisions through their API.')
      }
      // Tool results go to the task that asked for them, even from a client that re-sends its whole transcript
      // (a new bridge conversation, with no pause to resume); anything else continues the run's or the
      // conversation's task.
      const answered = request.toolResults?.[0]?.callId
      const taskId =
        (answered && (await callLinks.get(answered))) ||
        (request.pending && (await links.run.get(request.runId))) ||
        (await links.context.get(request.contextId))
      const body = encodeRequest(request, { taskId, streamTimeoutSeconds: options.streamTimeoutSeconds })
      if (!body.message.parts.length) {
        throw new BridgeError(
          'invalid_request',
          'Nothing to send to the Orq agent: the turn has no text, file or tool result.',
        )
      }
      const url = `${agentUrl}/stream-task`
      const res = await post(url, JSON.stringify(body), taskId !== undefined, signal)
      const decoder: OrqDecoderState = createDecoder()
      let linked = false
      // Linked as soon as Orq names the task, so the next turn (or the answer to a pause) continues it; a pause
      // links each pending call to it too. A promise only when there is something to write.
      const link = (event: AgentStreamEvent) => {
        if (!decoder.taskId || (linked && event.type !== 'event.agents.inactive')) return
        return saveLink(event, decoder.taskId)
      }
      const saveLink = async (event: AgentStreamEvent, taskId: string) => {
        if (!linked) {
          linked = true
          await links.run.put(request.runId, taskId)
          await links.context.put(request.contextId, taskId)
        }
        if (event.type === 'event.agents.inactive') {
          for (const call of event.data.pending_tool_calls ?? []) await callLinks.put(call.id, taskId)
        }
      }
      try {
        yield delegate(
          decodeEvents(
            upstream,
            res,
            { url, signal, warn: log },
            { state: decoder, decode, read, hooks: { after: link } },
          ),
        )
      } catch (error) {
        // Other dialects pick a dropped stream up again; Orq has no way to, so the turn fails here.
        if (!(error instanceof StreamDropped) || signal.aborted) throw error
        const message = `${error.message.replace(/\.?$/, '.')} Orq streams cannot be resumed.`
        throw new BridgeError('upstream_failed', message, { cause: error })
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
