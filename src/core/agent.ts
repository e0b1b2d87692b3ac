import { z } from 'zod'
import type { AgentEvent } from './events.js'
import { InterruptReason } from './events.js'
import { Ext } from './part.js'
import type { RunRequest } from './request.js'
import { lazySchema } from './lazy-schema.js'

const JsonSchema = lazySchema(() => z.record(z.string(), z.unknown()))

export const Skill = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    examples: z.array(z.string()).optional(),
  }),
)
export type Skill = z.infer<typeof Skill>

/** An interrupt the agent may raise, declared up front (ACP `specs.interrupts`, an A2A extension). */
export const InterruptSpec = lazySchema(() =>
  z.object({
    type: z.string(),
    reason: InterruptReason,
    description: z.string().optional(),
    payloadSchema: JsonSchema.optional(),
    resumeSchema: JsonSchema.optional(),
  }),
)
export type InterruptSpec = z.infer<typeof InterruptSpec>

export const Capabilities = lazySchema(() =>
  z.object({
    streaming: z.boolean(),
    /** The agent keeps conversation state itself (ACP threads, Responses previous_response_id). */
    threads: z.boolean(),
    interrupts: z.boolean(),
    clientTools: z.boolean(),
    push: z.boolean(),
  }),
)
export type Capabilities = z.infer<typeof Capabilities>

/** Everything a dialect's discovery document (agent card, ACP descriptor, model entry) is built from. */
export const AgentInfo = lazySchema(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.string().optional(),
    version: z.string().optional(),
    skills: z.array(Skill).optional(),
    inputSchema: JsonSchema.optional(),
    outputSchema: JsonSchema.optional(),
    configSchema: JsonSchema.optional(),
    interrupts: z.array(InterruptSpec).optional(),
    capabilities: Capabilities,
    inputModes: z.array(z.string()).optional(),
    outputModes: z.array(z.string()).optional(),
    /** The upstream's own card or descriptor, keyed by dialect. */
    ext: Ext.optional(),
  }),
)
export type AgentInfo = z.infer<typeof AgentInfo>

/**
 * What a backend's turn yields: one event, or several that came together (the events of one network chunk), which the
 * bridge then logs as one batch and its readers take in one step.
 */
export type AgentYield = AgentEvent | readonly AgentEvent[]

/** One event (not a batch) of what a backend yields. */
export const isAgentEvent = (yielded: AgentYield): yielded is AgentEvent => !Array.isArray(yielded)

/** A backend's turn as single events, batches taken apart: for readers that go event by event. */
export async function* agentEvents(source: AsyncIterable<AgentYield>): AsyncGenerator<AgentEvent> {
  for await (const yielded of source) {
    if (isAgentEvent(yielded)) yield yielded
    else yield* yielded
  }
}

/**
 * What a face talks to. The demo agent and every upstream client implement it.
 * `run` streams one turn: it ends after a terminal event or after pausing for input.
 */
export interface AgentBackend {
  info(): AgentInfo | Promise<AgentInfo>
  run(request: RunRequest, signal: AbortSignal): AsyncIterable<AgentYield>
  /** Tell the agent to stop the run; the bridge also aborts the signal given to `run`. */
  cancel?(runId: string): Promise<void>
}
