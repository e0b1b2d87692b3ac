// `dialect-bridge/truefoundry`: TrueFoundry's Agent Harness surfaces — sessions/turns and the agent responses stream —
// their face, client, mappers and wire schemas. The shared mapper names (`createEncoder`, `encode`, …, `wire`) are
// sessions/turns', TrueFoundry's current surface; the responses stream's have names of their own.
export type { TrueFoundryClientOptions } from './client.js'
export { createTrueFoundryClient } from './client.js'
export { truefoundry } from './dialect.js'
export { trueFoundryLoss } from './loss.js'
export type { DecodedResponsesRequest, DecodedTurnInput } from './request.js'
export {
  decodeResponsesRequest,
  decodeTurnInput,
  decodeTurnRequest as decodeRequest,
  decodeTurnRequest,
  encodeResponsesBody,
  encodeTurnInput as encodeRequest,
  encodeTurnInput,
} from './request.js'
export type { ResponsesDecoderState } from './responses-decode.js'
export { createResponsesDecoder, decodeResponseEvent } from './responses-decode.js'
export type { ResponseStreamInit, ResponseStreamState } from './responses-encode.js'
export { createResponseStream, encodeResponseStream, openResponseStream } from './responses-encode.js'
export * as responsesWire from './responses-wire.js'
export { trueFoundryErrorResponse, trueFoundryFace } from './routes.js'
export type { TurnDecoderState } from './sessions-decode.js'
export {
  createTurnDecoder as createDecoder,
  createTurnDecoder,
  decodeTurnEvent as decode,
  decodeTurnEvent,
} from './sessions-decode.js'
export type { TurnEncoderInit, TurnEncoderState } from './sessions-encode.js'
export {
  createTurnEncoder as createEncoder,
  createTurnEncoder,
  encodeTurn as encode,
  encodeTurn,
  MAIN_THREAD,
  openTurn,
} from './sessions-encode.js'
export * as wire from './sessions-wire.js'
