// TrueFoundry sessions and turns over the bridge's runs. A session is a conversation with one agent (a canonical
// context); a turn is a run — or, when it answers the pause its previous turn ended on, the same run resumed. Small
// documents keep which run and which slice of its log each turn is, so a turn can be re-streamed (subscribe), read
// (its state, its events) and listed.
import type { BridgeRuntime } from '../../bridge/face.js'
import type { RunEvent, RunInput, RunStatus, ToolCall } from '../../core/index.js'
import { BridgeError, newId, settlesTurn } from '../../core/index.js'
import { mapThrough, serialByKey } from '../../stream/index.js'
import type { DecodedTurnInput } from './request.js'
import { answerPause, TURN_ANSWERS } from './request.js'
import type { TurnEncoderState } from './sessions-encode.js'
import { createTurnEncoder, encodeTurn, openTurn } from './sessions-encode.js'
import type { Session, Turn, TurnInputItem, TurnState, TurnStreamingEvent } from './sessions-wire.js'

export interface SessionDoc {
  id: string
  agentId: string
  createdBy: Subject
  createdAt: number
  /** Orders sessions created in the same millisecond (this process's count; absent on older documents). */
  seq?: number
  updatedAt: number
  /** The session's turns, oldest first. */
  turns: string[]
}

export interface TurnDoc {
  id: string
  sessionId: string
  previousTurnId: string | null
  input: TurnInputItem[]
  agentId: string
  contextId: string
  runId: string
  /** The turn shows its run's events after this seq. */
  afterSeq: number
  createdBy: Subject
  startedAt: number
  /** A turn that answered a pause: the calls it answered. */
  priorCalls?: ToolCall[]
}

type Subject = { subject_id: string; subject_type: string; subject_slug: string }

const SESSIONS = 'truefoundry:sessions'
const TURNS = 'truefoundry:turns'

/** Statuses of a run still producing: its turn is running. */
const RUNNING: readonly RunStatus[] = ['queued', 'working', 'auth_required']

const iso = (ms: number) => new Date(ms).toISOString()

/** Turns of one session start one at a time (in this process), so two at once chain rather than run side by side. */
const oneAtATime = serialByKey()

let created = 0

export class TrueFoundrySessions {
  constructor(private readonly runtime: BridgeRuntime) {}

  subject(principal: string): Subject {
    return { subject_id: principal, subject_type: 'user', subject_slug: principal }
  }

  async create(agentId: string, createdBy: Subject): Promise<SessionDoc> {
    const now = Date.now()
    const doc: SessionDoc = {
      id: `${newId()}.g`,
      agentId,
      createdBy,
      createdAt: now,
      seq: ++created,
      updatedAt: now,
      turns: [],
    }
    await this.runtime.store.putDoc(SESSIONS, doc.id, doc)
    return doc
  }

  async get(id: string): Promise<SessionDoc> {
    const doc = await this.runtime.store.getDoc<SessionDoc>(SESSIONS, id)
    if (!doc) throw new BridgeError('not_found', `Session '${id}' not found.`)
    return doc
  }

  /** This principal's sessions of an agent, oldest first (the store lists in no particular order). */
  async list(agentId: string): Promise<SessionDoc[]> {
    const all = await this.runtime.store.listDocs<SessionDoc>(SESSIONS)
    return all
      .filter((s) => s.agentId === agentId)
      .sort((a, b) => a.createdAt - b.createdAt || (a.seq ?? 0) - (b.seq ?? 0))
  }

  session(doc: SessionDoc): Session {
    return {
      type: 'session',
      id: doc.id,
      agent_name: doc.agentId,
      title: null,
      created_by_subject: doc.createdBy,
      created_at: iso(doc.createdAt),
      updated_at: iso(doc.updatedAt),
    }
  }

  async turn(session: SessionDoc, id: string): Promise<TurnDoc> {
    const doc = await this.runtime.store.getDoc<TurnDoc>(TURNS, id)
    if (!doc || doc.sessionId !== session.id || !(await this.runtime.store.getRun(doc.runId))) {
      throw new BridgeError('not_found', `Turn '${id}' not found in session '${session.id}'.`)
    }
    return doc
  }

  /** The session's last turn, if any (the one `previous_turn_id: "auto"` chains to). */
  async last(session: SessionDoc): Promise<TurnDoc | undefined> {
    const id = session.turns.at(-1)
    return id ? this.runtime.store.getDoc<TurnDoc>(TURNS, id) : undefined
  }

  /** Whether the turn's run is still producing. */
  async running(turn: TurnDoc): Promise<boolean> {
    const record = await this.runtime.store.getRun(turn.runId)
    return !!record && RUNNING.includes(record.state.status)
  }

  /**
   * Starts a turn: it answers the pause the previous turn ended on (the same run resumes), or starts a run in the
   * session's conversation. One turn runs per session: a running one is cancelled for this one
   * (`cancelled-for-next-turn`).
   */
  start(session: SessionDoc, input: DecodedTurnInput, previous: string | null | undefined, createdBy: Subject) {
    // The session read again in turn: the one given may predate a turn that started meanwhile.
    return oneAtATime(session.id, async () => this.#start(await this.get(session.id), input, previous, createdBy))
  }

  async #start(
    session: SessionDoc,
    input: DecodedTurnInput,
    previous: string | null | undefined,
    createdBy: Subject,
  ): Promise<TurnDoc> {
    const { runs, store } = this.runtime
    const last = await this.last(session)
    let before: TurnDoc | undefined
    if (previous === undefined || previous === 'auto') before = last
    else if (previous !== null) {
      before = await this.turn(session, previous)
      if (before.id !== last?.id) {
        throw new BridgeError(
          'invalid_request',
          `Turn '${previous}' is not the session's last turn: branching from an earlier turn is not supported.`,
          { param: 'previous_turn_id' },
        )
      }
    }
    if (last && (await this.running(last))) {
      await runs.cancel(last.runId, 'cancelled-for-next-turn').catch((e) => {
        if (!(e instanceof BridgeError && e.code === 'not_cancelable')) throw e
      })
    }
    const record = before ? await store.getRun(before.runId) : undefined
    const pending = record?.state.status === 'input_required' ? record.state.pending : undefined
    const startedAt = Date.now()
    const id = `${session.id}.${newId().slice(0, 6)}`
    const common = {
      id,
      sessionId: session.id,
      previousTurnId: before?.id ?? null,
      input: input.items,
      agentId: session.agentId,
      createdBy,
      startedAt,
    }
    let doc: TurnDoc
    if (before && record && pending && (input.answers || pending.callIds.length === 0)) {
      const answer: RunInput = { ...input.input, ...answerPause(pending, input, TURN_ANSWERS) }
      const { afterSeq } = await runs.resume(before.runId, answer)
      doc = { ...common, contextId: before.contextId, runId: before.runId, afterSeq, priorCalls: pending.calls }
    } else {
      if (input.answers) {
        throw new BridgeError(
          'invalid_request',
          'No tool call of this session is waiting for an approval or a response.',
          {
            param: 'input',
          },
        )
      }
      const started = await runs.start(session.agentId, input.input, {
        ...(before ? { contextId: before.contextId } : {}),
      })
      doc = { ...common, contextId: started.record.contextId, runId: started.record.runId, afterSeq: 0 }
    }
    await store.putDoc(TURNS, doc.id, doc)
    await store.putDoc(SESSIONS, session.id, { ...session, turns: [...session.turns, doc.id], updatedAt: startedAt })
    return doc
  }

  encoder(turn: TurnDoc, deltas = true): TurnEncoderState {
    return createTurnEncoder({
      turnId: turn.id,
      previousTurnId: turn.previousTurnId,
      input: turn.input,
      createdBy: turn.createdBy,
      startedAt: turn.startedAt,
      agentId: turn.agentId,
      deltas,
      ...(turn.priorCalls ? { priorCalls: turn.priorCalls } : {}),
    })
  }

  /**
   * The turn's stream with each event's sequence number (1 = `turn.created`): the log replayed, then live until
   * `turn.done`. Events up to `after` are skipped (a subscribe resuming).
   */
  stream(turn: TurnDoc, signal: AbortSignal, after = 0): AsyncIterable<[number, TurnStreamingEvent][]> {
    const encoder = this.encoder(turn)
    let seq = 1
    const fresh = (events: TurnStreamingEvent[]) => {
      const out: [number, TurnStreamingEvent][] = []
      for (const event of events) {
        if (seq > after) out.push([seq, event])
        seq += 1
      }
      return out
    }
    // A mapping the SSE pump polls, no generator step per batch (see `mapThrough`).
    return mapThrough(() => this.runtime.runs.events(turn.runId, turn.afterSeq, { signal }), {
      first: () => fresh([openTurn(encoder)]),
      map: (batch) => {
        const out: TurnStreamingEvent[] = []
        for (const event of batch) {
          out.push(...encodeTurn(encoder, event))
          if (encoder.done) break
        }
        return fresh(out)
      },
      stop: () => encoder.done,
    })
  }

  /** The turn folded as it stands (assembled: whole messages, no deltas), or once it settles with `wait`. */
  async fold(turn: TurnDoc, wait?: AbortSignal): Promise<{ encoder: TurnEncoderState; events: TurnStreamingEvent[] }> {
    const { runs, store } = this.runtime
    const encoder = this.encoder(turn, false)
    const events: TurnStreamingEvent[] = [openTurn(encoder)]
    const batches = wait
      ? runs.events(turn.runId, turn.afterSeq, { signal: wait })
      : store.read(turn.runId, turn.afterSeq)
    for await (const batch of batches) {
      for (const event of batch as RunEvent[]) {
        events.push(...encodeTurn(encoder, event))
        if (encoder.done || (wait && settlesTurn(event))) return { encoder, events }
      }
    }
    return { encoder, events }
  }

  /** The turn as TrueFoundry's Turn record. */
  async record(turn: TurnDoc): Promise<Turn> {
    const { events } = await this.fold(turn)
    const done = events.find((e) => e.type === 'turn.done')
    const state: TurnState = done?.type === 'turn.done' ? done.state : { status: 'running' }
    return {
      id: turn.id,
      session_id: turn.sessionId,
      previous_turn_id: turn.previousTurnId,
      input: turn.input,
      state,
      created_by_subject: turn.createdBy,
      created_at: iso(turn.startedAt),
    }
  }
}
