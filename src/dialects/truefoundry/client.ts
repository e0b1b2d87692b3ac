// An AgentBackend for a TrueFoundry agent, over either surface. Sessions/turns (the default): one session per bridge
// conversation, one turn per canonical turn, and a stream that drops mid-turn is picked up with `subscribe` after the
// last sequence number read, so nothing is lost or repeated. The agent responses stream: `previous_response_id`
// chains the turns; it has no resume, so a drop fails the run, naming it.
import { z } from 'zod'
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
  unknownEvents,
  upstreamBackend,
  type UpstreamClient,
  type UpstreamYield,
} from '../../upstream/index.js'
import { encodeResponsesBody, encodeTurnInput } from './request.js'
import type { ResponsesDecoderState } from './responses-decode.js'
import { createResponsesDecoder, decodeResponseEvent } from './responses-decode.js'
import { AgentResponseStreamEvent } from './responses-wire.js'
import type { TurnDecoderState } from './sessions-decode.js'
import { createTurnDecoder, decodeTurnEvent } from './sessions-decode.js'
import { TurnStreamingEvent } from './sessions-wire.js'

export interface TrueFoundryClientOptions extends UpstreamClientOptions {
  /** The tenant base URL (`https://gateway.truefoundry.ai/<tenant>`). */
  url: string
  /** `sessions` (TrueFoundry's current API, the default) or `responses` (its agent responses stream). */
  surface?: 'sessions' | 'responses'
  /** The agent's name in TrueFoundry's registry (default: the agent id). */
  agentName?: string
  /** An inline agent on the responses stream: its gateway model, instead of `agentName`. */
  model?: string
  instruction?: string
  /** How many times in a row a dropped turn stream is picked up with `subscribe` without getting further. Default 3. */
  maxResumes?: number
}

const LABEL = 'TrueFoundry agent'

/** What the bridge needs of a created session: its id (the rest of the record is TrueFoundry's). */
const CreatedSession = z.looseObject({ data: z.looseObject({ id: z.string() }) })

/** The event types a schema union knows (its members' `type` literals). */
const typesOf = (union: { options: readonly unknown[] }): Set<string> =>
  new Set(
    union.options.flatMap((o) => {
      const option = o as { shape?: { type?: { value?: string } }; options?: readonly unknown[] }
      return option.options
        ? [...typesOf(option as { options: readonly unknown[] })]
        : [option.shape?.type?.value ?? '']
    }),
  )

interface SessionLink {
  sessionId: string
  turnId?: string
  /** Each paused call's thread: its answer names it. */
  threads?: Record<string, string>
}

interface ResponseLink {
  responseId: string
  /** Each paused call's execution: its answer names it. */
  executions?: Record<string, string>
}

export function createTrueFoundryClient(options: TrueFoundryClientOptions): AgentBackend {
  const base = options.url.replace(/\/+$/, '')
  const agentName = options.agentName ?? options.id
  const surface = options.surface ?? 'sessions'
  const maxResumes = options.maxResumes ?? 3
  const log = options.log ?? (() => {})
  const upstream = createUpstream({
    ...options,
    label: LABEL,
    protocolHeaders: { accept: 'text/event-stream, application/json' },
  })
  const sessions = createLinks<SessionLink, SessionLink>(options.store, 'truefoundry-client', options.id)
  const responses = createLinks<ResponseLink, ResponseLink>(options.store, 'truefoundry-responses-client', options.id)
  // Per paused call: the pause it belongs to, so its answer reaches it even from a client that re-sends its whole
  // transcript (a new bridge conversation, with no pause of its own to resume).
  const sessionCalls = createLinks<SessionLink, never>(options.store, 'truefoundry-client-call', options.id).run
  const responseCalls = createLinks<ResponseLink, never>(options.store, 'truefoundry-responses-call', options.id).run
  /** The first call this turn answers (a tool result or an approval decision). */
  const answered = (request: RunRequest) => request.toolResults?.[0]?.callId ?? request.decisions?.[0]?.callId

  const info: AgentInfo = {
    id: options.id,
    name: options.name ?? agentName,
    description: options.description ?? `TrueFoundry agent "${options.model ?? agentName}" at ${base}`,
    capabilities: { streaming: true, threads: true, interrupts: true, clientTools: true, push: false },
    inputModes: ['text/plain', 'application/octet-stream'],
    outputModes: ['text/plain'],
  }

  const unknown = unknownEvents('truefoundry', `${LABEL} ${base}`, log)
  /** One SSE message as the event it holds; a type this bridge does not know goes on as `upstream.event`. */
  function reader<W>(schema: Parameters<typeof readWire>[1], known: Set<string>, onId?: (id: number) => void) {
    return (message: SSEEvent): W | UnknownEvent | undefined => {
      if (onId && message.id !== undefined && /^\d+$/.test(message.id)) onId(Number(message.id))
      if (message.data === '[DONE]') return undefined
      const raw = eventJson(LABEL, message.data, 'stream event')
      const type = (raw as { type?: unknown } | null)?.type
      if (typeof type !== 'string' || !known.has(type)) {
        return unknown(typeof type === 'string' ? type : 'message', raw)
      }
      return readWire(LABEL, schema, raw, `'${type}' event`) as W
    }
  }
  const turnTypes = typesOf(TurnStreamingEvent)
  const responseTypes = typesOf(AgentResponseStreamEvent)

  /** A turn on the session: streamed, and picked up with `subscribe` where a drop cut it. */
  async function* turn(request: RunRequest, signal: AbortSignal): AsyncGenerator<UpstreamYield> {
    const callId = answered(request)
    const link =
      (callId && (await sessionCalls.get(callId))) ||
      (request.pending && (await sessions.run.get(request.runId))) ||
      (await sessions.context.get(request.contextId))
    let sessionId = link?.sessionId
    if (sessionId) {
      // This conversation goes on where the answered pause was, if that was another one's.
      if ((await sessions.context.get(request.contextId))?.sessionId !== sessionId)
        await sessions.context.put(request.contextId, { sessionId })
    } else {
      const url = `${base}/v1/agents/sessions`
      const created = readWire(
        LABEL,
        CreatedSession,
        await upstream.json(url, { method: 'POST', body: JSON.stringify({ agent_name: agentName }), signal }),
        'session',
      )
      sessionId = created.data.id
      await sessions.context.put(request.contextId, { sessionId })
    }
    const session = `${base}/v1/agents/sessions/${encodeURIComponent(sessionId)}`
    // Linked before the turn starts, so a cancel finds the session while the turn still runs.
    await sessions.run.put(request.runId, { sessionId, ...(link?.threads ? { threads: link.threads } : {}) })
    const input = encodeTurnInput(request, link?.threads ?? {})
    let url = `${session}/turns`
    let res = await upstream.fetch(url, { method: 'POST', body: JSON.stringify({ input }), signal })
    const decoder: TurnDecoderState = createTurnDecoder()
    const read = reader<TurnStreamingEvent>(TurnStreamingEvent, turnTypes, (id) => {
      decoder.lastSequence = id
    })
    let remembered = ''
    // After each event (a consumer may stop reading at the pause): the turn, each call's thread, the paused calls;
    // written when one of them changed (a promise only then).
    const remember = () => {
      if (!decoder.turnId) return
      const key = `${decoder.turnId} ${decoder.threads.size} ${decoder.pending.length}`
      if (key === remembered) return
      remembered = key
      const threads = Object.fromEntries(decoder.threads)
      const value = { sessionId, turnId: decoder.turnId, threads }
      const calls = decoder.pending.flatMap((pause) => pause.callIds)
      return (async () => {
        await sessions.run.put(request.runId, value)
        for (const id of calls) await sessionCalls.put(id, value)
      })()
    }
    // Resumes that brought nothing new count against `maxResumes`; one that got further starts the count again.
    let resumes = 0
    let reached = 0
    for (;;) {
      let dropped: StreamDropped | undefined
      try {
        yield delegate(
          decodeEvents(
            upstream,
            res,
            { url, signal, warn: log },
            { state: decoder, decode: decodeTurnEvent, read, hooks: { after: remember } },
          ),
        )
      } catch (error) {
        if (signal.aborted || !(error instanceof StreamDropped)) throw error
        dropped = error
      }
      await remember()
      if (decoder.done || signal.aborted) return
      const why = dropped?.message ?? `The upstream ${LABEL}'s turn stream ended before turn.done.`
      resumes = decoder.lastSequence > reached ? 1 : resumes + 1
      reached = decoder.lastSequence
      if (!decoder.turnId || resumes > maxResumes) throw new BridgeError('upstream_failed', why)
      log(`${why} Subscribing again after sequence number ${decoder.lastSequence}.`)
      url = `${session}/turns/${encodeURIComponent(decoder.turnId)}/subscribe`
      res = await upstream.fetch(url, {
        method: 'POST',
        body: JSON.stringify({ after_sequence_number: decoder.lastSequence }),
        signal,
      })
    }
  }

  /** A response on the agent responses stream, chained by `previous_response_id`. */
  async function* response(request: RunRequest, signal: AbortSignal): AsyncGenerator<UpstreamYield> {
    const callId = answered(request)
    const link =
      (callId && (await responseCalls.get(callId))) ||
      (request.pending && (await responses.run.get(request.runId))) ||
      (await responses.context.get(request.contextId))
    const agent = options.model
      ? { model: options.model, ...(options.instruction ? { instruction: options.instruction } : {}) }
      : { agentName }
    const body = encodeResponsesBody(request, agent, link?.responseId, link?.executions ?? {})
    const url = `${base}/agent/responses`
    const res = await upstream.fetch(url, { method: 'POST', body: JSON.stringify(body), signal })
    const decoder: ResponsesDecoderState = createResponsesDecoder()
    let remembered = ''
    const remember = () => {
      if (!decoder.responseId) return
      // Written when something to remember changed, not after every event (a promise only then).
      const key = `${decoder.responseId} ${decoder.executions.size} ${decoder.paused.length}`
      if (key === remembered) return
      remembered = key
      const value = { responseId: decoder.responseId, executions: Object.fromEntries(decoder.executions) }
      const paused = [...decoder.paused]
      return (async () => {
        await responses.run.put(request.runId, value)
        await responses.context.put(request.contextId, value)
        for (const id of paused) await responseCalls.put(id, value)
      })()
    }
    const read = reader<AgentResponseStreamEvent>(AgentResponseStreamEvent, responseTypes)
    try {
      yield delegate(
        decodeEvents(
          upstream,
          res,
          { url, signal, warn: log },
          { state: decoder, decode: decodeResponseEvent, read, hooks: { after: remember } },
        ),
      )
    } catch (error) {
      // Sessions pick a dropped turn up again; the responses stream has no way to, so the run fails here.
      if (!(error instanceof StreamDropped) || signal.aborted) throw error
      const message = `${error.message.replace(/\.?$/, ';')} the responses stream cannot be resumed.`
      throw new BridgeError('upstream_failed', message, { cause: error })
    } finally {
      await remember()
    }
    if (!decoder.done && !signal.aborted) {
      throw new BridgeError(
        'upstream_failed',
        `The upstream ${LABEL}'s response stream ended before the response did; the responses stream cannot be resumed.`,
      )
    }
  }

  const client: UpstreamClient = {
    info: () => info,
    run: (request, signal) => (surface === 'sessions' ? turn(request, signal) : response(request, signal)),
    async cancel(runId: string) {
      if (surface === 'sessions') {
        const link = await sessions.run.get(runId)
        if (!link) return
        await upstream.send(`${base}/v1/agents/sessions/${encodeURIComponent(link.sessionId)}/cancel`, {
          method: 'POST',
          body: '{}',
        })
        return
      }
      const link = await responses.run.get(runId)
      if (!link) return
      await upstream.send(`${base}/agent/responses/cancel`, {
        method: 'POST',
        body: JSON.stringify({ response_id: link.responseId }),
      })
    },
  }
  return upstreamBackend(LABEL, client)
}
