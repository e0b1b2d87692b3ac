// `dialect-bridge/a2a`: A2A v1.0 (JSON-RPC, HTTP+JSON) with v0.3 compatibility — its descriptor, mappers, face,
// client, agent card and wire schemas.
export type { CardOptions } from './card.js'
export { agentCard } from './card.js'
export type { A2AClientOptions } from './client.js'
export { createA2AClient } from './client.js'
export {
  fromV03Card,
  fromV03Event,
  fromV03Message,
  fromV03Task,
  toV03Event,
  toV03Message,
  toV03Task,
} from './compat.js'
export type { A2ADecoderInit, A2ADecoderState, DecodedUserMessage } from './decode.js'
export { createDecoder, decode, decodeRequest } from './decode.js'
export { a2a } from './dialect.js'
export type { SendMessageOptions, TaskEncoderInit, TaskEncoderState } from './encode.js'
export { createEncoder, encode, encodeRequest, taskSnapshot } from './encode.js'
export type { A2AVersion } from './errors.js'
export type { ExtMetadata } from './ext.js'
export { EXTENSION_URI } from './ext.js'
export { a2aLoss } from './loss.js'
export { fromA2AMessage, fromA2APart, toA2AMessage, toA2APart } from './parts.js'
export type { A2AFaceOptions } from './routes.js'
export { a2aFace } from './routes.js'
export * as wire from './wire.js'
export type { AgentCard, Message, SendMessageRequest, StreamResponse, Task } from './wire.js'
