// An AgentBackend for an upstream agent that speaks the Responses dialect (OpenAI or any compatible server).
import type { AgentBackend, AgentInfo, RunRequest } from '../../core/index.js'
import { BridgeError } from '../../core/index.js'
import type { SSEEvent } from '../../stream/index.js'
import type { UpstreamClientOptions } from '../../upstream/index.js'
import {
  createLinks,
  createUpstream,
  decodeEvents,
  delegate,
  eventJson,
  readWire,
  StreamDropped,
  type UnknownEvent,
  type UpstreamClient,
  type UpstreamYield,
  unknownEvents,
  upstreamBackend,
} from '../../upstream/index.js'
import type { ResponseDecoderState } from './decode.js'
import { createDecoder, decode, isKnownEvent } from './decode.js'
import { encodeRequest } from './encode.js'
import { readDelta, readDeltaData, StreamEventIn } from './reading.js'

export interface ResponsesClientOptions extends UpstreamClientOptions {
  /** The upstream's base URL, ending in `/v1`. */
  url: string
  /** The upstream `model`; defaults to `id`. */
  model?: string
  /** Start upstream responses in background mode, so an explicit cancel reaches the upstream. */
  background?: boolean
  /** How many times a stream that drops before its end is resumed with `starting_after`. Default 3. */
  maxResumes?: number
}

/** The upstream response a run or a conversation continues from. */
interface UpstreamLink {
  responseId: string
  background: boolean
}

const LABEL = 'Responses server'

export function createResponsesClient(options: ResponsesClientOptions): AgentBackend {
  const base = options.url.replace(/\/+$/, '')
  const model = options.model ?? options.id
  const maxResumes = options.maxResumes ?? 3
  const background = options.background ?? false
  const log = options.log ?? (() => {})
  const upstream = createUpstream({
    ...options,
    label: LABEL,
    protocolHeaders: { accept: 'text/event-stream, application/json' },
  })
  const links = createLinks<UpstreamLink, UpstreamLink>(options.store, 'responses-client', options.id)

  const info: AgentInfo = {
    id: options.id,
    name: options.name ?? model,
    description: options.description ?? `Responses agent "${model}" at ${base}`,
    capabilities: { streaming: true, threads: true, interrupts: true, clientTools: true, push: false },
    inputModes: ['text/plain', 'image/*', 'application/pdf'],
    outputModes: ['text/plain'],
  }

  const unknown = unknownEvents('responses', `${LABEL} ${base}`, log)
  /**
   * One SSE message as the decoder's wire event; `[DONE]` is none. An event type this bridge does not know goes on as
   * `upstream.event` (said once per type), its sequence number still counted, so a resumed stream does not repeat it.
   */
  function read(decoder: ResponseDecoderState, message: SSEEvent): StreamEventIn | UnknownEvent | undefined {
    if (message.data === '[DONE]') return undefined
    const delta = readDeltaData(message.data)
    if (delta) return delta
    const raw = eventJson(LABEL, message.data, `event${message.event ? ` '${message.event}'` : ''}`)
    if (!isKnownEvent(raw)) {
      const { type, sequence_number: seq } = (raw ?? {}) as { type?: unknown; sequence_number?: unknown }
      if (typeof seq === 'number') {
        if (seq <= decoder.lastSequence) return undefined
        decoder.lastSequence = seq
      }
      return unknown(typeof type === 'string' ? type : (message.event ?? 'message'), raw, describe(raw))
    }
    return readDelta(raw) ?? readWire(LABEL, StreamEventIn, raw, `'${(raw as { type: string }).type}' event`)
  }

  const client: UpstreamClient = {
    info: () => info,

    async *run(request: RunRequest, signal: AbortSignal): AsyncGenerator<UpstreamYield> {
      const previous =
        (request.pending && (await links.run.get(request.runId))) || (await links.context.get(request.contextId))
      const body = encodeRequest(request, {
        model,
        previousResponseId: previous?.responseId,
        stream: true,
        background,
        store: true,
      })
      const decoder = createDecoder()
      let url = `${base}/responses`
      let res = await upstream.fetch(url, { method: 'POST', body: JSON.stringify(body), signal })
      // The run and the conversation are linked to the upstream response as soon as one is named, before its events
      // go out: a run may be left at its turn's end (the bridge stops reading), and the next turn must still send
      // `previous_response_id`.
      // A promise only when there is something to write: every other event goes on without one.
      const link = () => {
        if (linked || !decoder.responseId) return
        linked = true
        const upstreamResponse = { responseId: decoder.responseId, background }
        return links.run
          .put(request.runId, upstreamResponse)
          .then(() => links.context.put(request.contextId, upstreamResponse))
      }
      let linked = false
      for (let resumes = 0; ; resumes++) {
        let dropped: StreamDropped | undefined
        try {
          // Read by the bridge itself (see `delegate`): its failure comes back here, as with `yield*`.
          yield delegate(
            decodeEvents(
              upstream,
              res,
              { url, signal, warn: log },
              { state: decoder, decode, read: (message) => read(decoder, message), hooks: { after: link } },
            ),
          )
        } catch (error) {
          // A stream that broke off (not bad data, not a timeout) is resumed below from the last sequence number.
          if (signal.aborted || !(error instanceof StreamDropped)) throw error
          dropped = error
        }
        if (decoder.done || signal.aborted) break
        const why = dropped?.message ?? `The upstream ${LABEL} stream ended before its response finished.`
        // Without sequence numbers there is no cursor to resume from: the upstream's stream is not resumable.
        if (!decoder.responseId || decoder.lastSequence < 0 || resumes >= maxResumes) {
          throw new BridgeError('upstream_failed', why)
        }
        log(`${why} Resuming after sequence number ${decoder.lastSequence}.`)
        const query = `stream=true&starting_after=${decoder.lastSequence}`
        url = `${base}/responses/${encodeURIComponent(decoder.responseId)}?${query}`
        res = await upstream.fetch(url, { method: 'GET', signal })
      }
    },

    async cancel(runId: string): Promise<void> {
      const link = await links.run.get(runId)
      // Foreground upstream responses stop when the bridge closes their stream; only background ones need a call.
      if (!link?.background) return
      await upstream.send(`${base}/responses/${encodeURIComponent(link.responseId)}/cancel`, { method: 'POST' })
    },
  }
  return upstreamBackend(LABEL, client)
}

const describe = (raw: unknown): string => {
  const e = raw as { type?: unknown; item?: { type?: unknown } } | null
  const item = typeof e?.item?.type === 'string' ? ` with a '${e.item.type}' item` : ''
  return typeof e?.type === 'string' ? `'${e.type}'${item}` : 'no type'
}
