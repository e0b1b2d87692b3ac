import type { AgentEvent, RunEvent } from './events.js'

/** What every mapper state has: whether its turn (or response, or task) is over. */
export interface MapperState {
  done: boolean
}

/**
 * Canonical → a dialect's stream events: a pure state machine with one table row per canonical event.
 * Every dialect module exports the pair as `createEncoder` and `encode`.
 */
export interface Encoder<State extends MapperState, Init, Wire> {
  createEncoder(init: Init): State
  /** The wire events one canonical event becomes (none once the state is done). */
  encode(state: State, event: RunEvent): Wire[]
}

/**
 * A dialect's stream events → canonical: a pure state machine with one table row per wire event type.
 * Every dialect module exports the pair as `createDecoder` and `decode`.
 */
export interface Decoder<State extends MapperState, Init, Wire> {
  createDecoder(init: Init): State
  /** The canonical events one wire event becomes (none once the state is done). */
  decode(state: State, event: Wire): AgentEvent[]
}

/** The request pair of a dialect's mappers. */
export type RequestMappers = Pick<Mappers, 'decodeRequest' | 'encodeRequest'>

/**
 * Every mapper of a dialect, as its descriptor carries them: the event pair in each direction (each dialect states
 * its own types with `Encoder` and `Decoder`), and the request pair (`decodeRequest`: a client's request → one
 * turn's input; `encodeRequest`: a turn → the upstream's request).
 */
export interface Mappers {
  createEncoder(init: never): MapperState
  encode(state: never, event: RunEvent): unknown[]
  createDecoder(init: never): MapperState
  decode(state: never, event: never): AgentEvent[]
  decodeRequest(body: never, ...rest: never[]): unknown
  encodeRequest(request: never, ...rest: never[]): unknown
}
