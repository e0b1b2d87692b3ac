// `dialect-bridge/responses`: the OpenAI Responses dialect — its descriptor, mappers, face, client and wire schemas.
export type { ResponsesClientOptions } from './client.js'
export { createResponsesClient } from './client.js'
export type { DecodedCreateResponse, ResponseDecoderState } from './decode.js'
export { createDecoder, decode, decodeRequest, isKnownEvent } from './decode.js'
export { responses } from './dialect.js'
export type {
  CreateResponseOptions,
  PriorCall,
  ResponseEcho,
  ResponseEncoderInit,
  ResponseEncoderState,
} from './encode.js'
export { createEncoder, encode, encodeRequest, modelEntry, openResponse } from './encode.js'
export { fromItemId, itemId } from './ids.js'
export { responsesLoss } from './loss.js'
export type { ResponsesFaceOptions } from './routes.js'
export { responsesErrorResponse, responsesFace, responsesFaceWith } from './routes.js'
export * as wire from './wire.js'
export type { CreateResponse, Response as ResponseObject, ResponseStreamEvent } from './wire.js'
