import { z } from 'zod'
import type { Decoder, Encoder, RequestMappers } from '../../core/index.js'
import { defineDialect, upstreamClientOptions, upstreamOptions } from '../../bridge/dialect.js'
import { createOrqClient } from './client.js'
import type { OrqDecoderState } from './decode.js'
import { createDecoder, decode } from './decode.js'
import type { OrqEncoderInit, OrqEncoderState } from './encode.js'
import { createEncoder, encode } from './encode.js'
import { orqLoss } from './loss.js'
import { decodeRequest, encodeRequest } from './request.js'
import { agentManifest, orqFace } from './routes.js'
import type { AgentStreamEvent } from './wire.js'

/** Orq upstreams: which agent, and how long Orq may stream a turn. */
const OrqAgentOptions = z
  .object({
    /** The Orq agent key; defaults to the agent id. */
    agentKey: z.string().optional(),
    streamTimeoutSeconds: z.number().int().min(1).max(3600).optional(),
  })
  .strict()

/** Orq's agents API (v2): `/orq` as a face, any Orq agent as an upstream (API key in `headers.authorization`). */
export const orq = defineDialect({
  name: 'orq',
  options: { ...upstreamOptions('orq'), orq: OrqAgentOptions.optional() },
  face: orqFace,
  client: (config, deps) => createOrqClient({ ...upstreamClientOptions(config, deps), ...config.orq }),
  mappers: {
    createEncoder,
    encode,
    createDecoder,
    decode,
    encodeRequest,
    decodeRequest,
  } satisfies Encoder<OrqEncoderState, OrqEncoderInit, AgentStreamEvent> &
    Decoder<OrqDecoderState, void, AgentStreamEvent> &
    RequestMappers,
  loss: orqLoss,
  discovery: (info) => agentManifest(info),
})
