import { z } from 'zod'
import type { Decoder, Encoder, RequestMappers } from '../../core/index.js'
import { defineDialect, upstreamClientOptions, upstreamOptions } from '../../bridge/dialect.js'
import { createResponsesClient } from './client.js'
import type { ResponseDecoderState } from './decode.js'
import { createDecoder, decode, decodeRequest } from './decode.js'
import type { ResponseEncoderInit, ResponseEncoderState } from './encode.js'
import { createEncoder, encode, encodeRequest, modelEntry } from './encode.js'
import { responsesLoss } from './loss.js'
import type { StreamEventIn } from './reading.js'
import { responsesFace } from './routes.js'
import type { ResponseStreamEvent } from './wire.js'

/** The OpenAI Responses dialect: `/v1/responses` as a face, any Responses server as an upstream. */
export const responses = defineDialect({
  name: 'responses',
  options: {
    ...upstreamOptions('responses'),
    /** The upstream `model` to ask for (defaults to the agent id). */
    model: z.string().optional(),
    /** Start upstream responses with background=true so a cancel reaches them. */
    background: z.boolean().optional(),
  },
  face: responsesFace,
  client: (config, deps) =>
    createResponsesClient({
      ...upstreamClientOptions(config, deps),
      model: config.model,
      background: config.background,
    }),
  mappers: {
    createEncoder,
    encode,
    createDecoder,
    decode,
    encodeRequest,
    decodeRequest,
  } satisfies Encoder<ResponseEncoderState, ResponseEncoderInit, ResponseStreamEvent> &
    Decoder<ResponseDecoderState, void, StreamEventIn> &
    RequestMappers,
  loss: responsesLoss,
  /** An agent is a model: its entry in `GET /v1/models`. */
  discovery: (info) => modelEntry(info.id),
})
