import { z } from 'zod'
import type { Decoder, Encoder, RequestMappers } from '../../core/index.js'
import { defineDialect, upstreamClientOptions, upstreamOptions } from '../../bridge/dialect.js'
import { createTrueFoundryClient } from './client.js'
import { trueFoundryLoss } from './loss.js'
import { decodeTurnRequest, encodeTurnInput } from './request.js'
import { trueFoundryFace } from './routes.js'
import type { TurnDecoderState } from './sessions-decode.js'
import { createTurnDecoder, decodeTurnEvent } from './sessions-decode.js'
import type { TurnEncoderInit, TurnEncoderState } from './sessions-encode.js'
import { createTurnEncoder, encodeTurn } from './sessions-encode.js'
import type { TurnStreamingEvent } from './sessions-wire.js'

/** TrueFoundry upstreams: which surface, and which agent (saved by name, or inline by model on the responses stream). */
const TrueFoundryAgentOptions = z
  .object({
    surface: z.enum(['sessions', 'responses']).optional(),
    agentName: z.string().optional(),
    model: z.string().optional(),
    instruction: z.string().optional(),
  })
  .strict()

/**
 * TrueFoundry's Agent Harness: its sessions/turns API and its agent responses stream, as a face under `/truefoundry`
 * and as an upstream (tenant base URL in `url`, API key in `headers.authorization`). The mappers are Surface B's.
 */
export const truefoundry = defineDialect({
  name: 'truefoundry',
  options: { ...upstreamOptions('truefoundry'), truefoundry: TrueFoundryAgentOptions.optional() },
  face: trueFoundryFace,
  client: (config, deps) => createTrueFoundryClient({ ...upstreamClientOptions(config, deps), ...config.truefoundry }),
  mappers: {
    createEncoder: createTurnEncoder,
    encode: encodeTurn,
    createDecoder: createTurnDecoder,
    decode: decodeTurnEvent,
    encodeRequest: encodeTurnInput,
    decodeRequest: decodeTurnRequest,
  } satisfies Encoder<TurnEncoderState, TurnEncoderInit, TurnStreamingEvent> &
    Decoder<TurnDecoderState, void, TurnStreamingEvent> &
    RequestMappers,
  loss: trueFoundryLoss,
})
