// `dialect-bridge/truefoundry`: TrueFoundry's Agent Harness surfaces — sessions/turns and the agent responses stream —
// their face, mappers and wire schemas.
export { truefoundry } from './dialect.js'
export { trueFoundryLoss } from './loss.js'
export type { DecodedResponsesRequest, DecodedTurnInput } from './request.js'
export { decodeResponsesRequest, decodeTurnInput, decodeTurnRequest } from './request.js'
export type { ResponseStreamInit, ResponseStreamState } from './responses-encode.js'
export { createResponseStream, encodeResponseStream, openResponseStream } from './responses-encode.js'
export * as responsesWire from './responses-wire.js'
export { trueFoundryErrorResponse, trueFoundryFace } from './routes.js'
export type { TurnEncoderInit, TurnEncoderState } from './sessions-encode.js'
export { createTurnEncoder, encodeTurn, MAIN_THREAD, openTurn } from './sessions-encode.js'
export * as sessionsWire from './sessions-wire.js'
