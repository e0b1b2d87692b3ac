import { z } from 'zod'
import type { Decoder, Encoder, RequestMappers } from '../../core/index.js'
import { defineDialect, upstreamClientOptions, upstreamOptions } from '../../bridge/dialect.js'
import { createAcpClient } from './client.js'
import type { AcpDecoderInit, AcpDecoderState } from './decode.js'
import { createDecoder, decode, decodeRequest } from './decode.js'
import type { AcpEncoderInit, AcpEncoderState } from './encode.js'
import { createEncoder, encode, encodeRequest } from './encode.js'
import { acpLoss } from './loss.js'
import { acpFace } from './routes.js'
import { descriptor } from './schemas.js'
import type { RunOutputStreamData } from './wire.js'

/** ACP upstreams: which agent, and where text goes in its input and comes back in its values. */
const AcpAgentOptions = z
  .object({
    agentId: z.string().optional(),
    agentName: z.string().optional(),
    input: z
      .object({
        messages: z.string().optional(),
        text: z.string().optional(),
        base: z.record(z.string(), z.unknown()).optional(),
      })
      .strict()
      .optional(),
    output: z.object({ messages: z.string().optional(), text: z.string().optional() }).strict().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
  })
  .strict()

/** AGNTCY Agent Connect Protocol v0.2.3: `/acp` as a face, any ACP server as an upstream. */
export const acp = defineDialect({
  name: 'acp',
  options: { ...upstreamOptions('acp'), acp: AcpAgentOptions.optional() },
  face: acpFace,
  client: (config, deps) => createAcpClient({ ...upstreamClientOptions(config, deps), ...config.acp }),
  mappers: {
    createEncoder,
    encode,
    createDecoder,
    decode,
    encodeRequest,
    decodeRequest,
  } satisfies Encoder<AcpEncoderState, AcpEncoderInit, RunOutputStreamData> &
    Decoder<AcpDecoderState, AcpDecoderInit, RunOutputStreamData> &
    RequestMappers,
  loss: acpLoss,
  discovery: (info) => descriptor(info),
})
