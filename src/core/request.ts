import { z } from 'zod'
import { InterruptReason } from './events.js'
import { Message } from './message.js'
import { Ext } from './part.js'
import { ApprovalDecision, ToolCall, ToolResult, ToolSpec } from './tool.js'
import { lazySchema } from './lazy-schema.js'

/** An interrupt the run is paused on, with the tool calls it waits for. */
export const PendingInterrupt = lazySchema(() =>
  z.object({
    interruptId: z.string(),
    reason: InterruptReason,
    callIds: z.array(z.string()),
    calls: z.array(ToolCall),
    interruptType: z.string().optional(),
    payload: z.unknown().optional(),
  }),
)
export type PendingInterrupt = z.infer<typeof PendingInterrupt>

/** What a face decodes from a client request: one turn's input, before the bridge assigns ids. */
export const RunInput = lazySchema(() =>
  z.object({
    /** New messages for this turn (user text, files, data). */
    input: z.array(Message),
    /**
     * Earlier conversation the client sends along (a stateless client re-sending its transcript); the bridge puts it
     * after the history it keeps itself.
     */
    history: z.array(Message).optional(),
    /** System text for the agent; not carried over to later turns. */
    instructions: z.string().optional(),
    /** Results of client-executed tool calls. */
    toolResults: z.array(ToolResult).optional(),
    /** Answers to approval requests. */
    decisions: z.array(ApprovalDecision).optional(),
    /** Set when this input answers the interrupt the run is paused on. */
    resume: z.object({ interruptId: z.string(), payload: z.unknown().optional() }).optional(),
    /** Tools the client declares; absent when the dialect has no way to declare tools. */
    tools: z.array(ToolSpec).optional(),
    toolChoice: z.unknown().optional(),
    config: z.record(z.string(), z.unknown()).optional(),
    metadata: z.record(z.string(), z.unknown()).optional(),
    stream: z.boolean().optional(),
    background: z.boolean().optional(),
    ext: Ext.optional(),
  }),
)
export type RunInput = z.infer<typeof RunInput>

/** What a backend receives: the turn's input plus the ids and context the bridge keeps. */
export const RunRequest = lazySchema(() =>
  RunInput.omit({ history: true }).extend({
    runId: z.string(),
    agentId: z.string(),
    contextId: z.string(),
    /** Earlier messages of the conversation, oldest first, for agents that do not keep state. */
    history: z.array(Message),
    /** On resume: the interrupt being answered, so a stateless backend knows what it asked. */
    pending: PendingInterrupt.optional(),
  }),
)
export type RunRequest = z.infer<typeof RunRequest>
