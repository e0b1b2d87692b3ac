import type { Decoder, Encoder, RequestMappers } from '../../core/index.js'
import { defineDialect, upstreamClientOptions, upstreamOptions } from '../../bridge/dialect.js'
import { agentCard } from './card.js'
import { createA2AClient } from './client.js'
import type { A2ADecoderInit, A2ADecoderState } from './decode.js'
import { createDecoder, decode, decodeRequest } from './decode.js'
import type { TaskEncoderInit, TaskEncoderState } from './encode.js'
import { createEncoder, encode, encodeRequest } from './encode.js'
import { a2aLoss } from './loss.js'
import { a2aFace } from './routes.js'
import type { StreamResponse } from './wire.js'

/** A2A v1.0 (JSON-RPC and HTTP+JSON) with v0.3 JSON-RPC: `/a2a/{agent}` as a face, any A2A agent as an upstream. */
export const a2a = defineDialect({
  name: 'a2a',
  options: upstreamOptions('a2a'),
  face: a2aFace,
  client: (config, deps) => createA2AClient(upstreamClientOptions(config, deps)),
  mappers: {
    createEncoder,
    encode,
    createDecoder,
    decode,
    encodeRequest,
    decodeRequest,
  } satisfies Encoder<TaskEncoderState, TaskEncoderInit, StreamResponse> &
    Decoder<A2ADecoderState, A2ADecoderInit, StreamResponse> &
    RequestMappers,
  loss: a2aLoss,
  discovery: agentCard,
})
