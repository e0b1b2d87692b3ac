import type { AgentInfo } from '../../core/index.js'
import type { A2AVersion } from './errors.js'
import { EXTENSION_URI, MEDIA } from './ext.js'
import type { AgentCard } from './wire.js'
import { A2A_PROTOCOL_VERSION } from './wire.js'

export interface CardOptions {
  /** Where the agent's A2A interface lives (`https://bridge.example/a2a/demo`). */
  url: string
  /** The face requires an API key: the card says how to send it, and offers the extended card. */
  apiKeyRequired: boolean
  /**
   * The version the client asked for (`A2A-Version`): `1.0` gets the v1.0 card alone; no header means a v0.3 client
   * (A2A §3.6), which also finds the v0.3 fields it reads.
   */
  version?: A2AVersion
}

/**
 * The agent card, built from AgentInfo. v1 clients read `supportedInterfaces` (JSON-RPC and HTTP+JSON at 1.0,
 * JSON-RPC at 0.3); unless the client said it speaks 1.0, the v0.3 fields (`url`, `preferredTransport`,
 * `protocolVersion`) are there too.
 */
export function agentCard(info: AgentInfo, options: CardOptions): AgentCard & Record<string, unknown> {
  const { url } = options
  const skills = info.skills?.length ? info.skills : [{ id: info.id, name: info.name, description: info.description }]
  return {
    name: info.name,
    description: info.description ?? info.name,
    supportedInterfaces: [
      { url, protocolBinding: 'JSONRPC', protocolVersion: A2A_PROTOCOL_VERSION },
      { url, protocolBinding: 'HTTP+JSON', protocolVersion: A2A_PROTOCOL_VERSION },
      { url, protocolBinding: 'JSONRPC', protocolVersion: '0.3' },
    ],
    version: info.version ?? '1.0.0',
    capabilities: {
      streaming: true,
      pushNotifications: true,
      extendedAgentCard: options.apiKeyRequired,
      extensions: [
        {
          uri: EXTENSION_URI,
          description:
            'dialect-bridge: tool calls, approvals, interrupts, sub-agents and usage as data parts and metadata (see the bridge README).',
          required: false,
          params: { mediaTypes: { ...MEDIA }, interrupts: info.interrupts ?? [] },
        },
      ],
    },
    ...(options.apiKeyRequired
      ? {
          securitySchemes: {
            apiKey: { apiKeySecurityScheme: { location: 'header', name: 'x-api-key' } },
            bearer: { httpAuthSecurityScheme: { scheme: 'Bearer' } },
          },
          securityRequirements: [{ schemes: { apiKey: { list: [] } } }, { schemes: { bearer: { list: [] } } }],
        }
      : {}),
    defaultInputModes: info.inputModes ?? ['text/plain'],
    defaultOutputModes: info.outputModes ?? ['text/plain'],
    skills: skills.map((s) => ({
      id: s.id,
      name: s.name,
      description: s.description ?? s.name,
      tags: 'tags' in s && s.tags ? s.tags : [],
      ...('examples' in s && s.examples ? { examples: s.examples } : {}),
    })),
    // The v0.3 view of the same interfaces, for clients that predate supportedInterfaces.
    ...(options.version === '1.0' ? {} : { url, preferredTransport: 'JSONRPC', protocolVersion: '0.3.0' }),
  }
}
