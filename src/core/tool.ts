import { z } from 'zod'
import { Part } from './part.js'
import { lazySchema } from './lazy-schema.js'

/** Where a tool runs and whether a human must approve it first. */
export const ToolInfo = lazySchema(() =>
  z.object({
    /** The server or agent that owns the tool (a Responses `server_label`, a TrueFoundry MCP server). */
    server: z.string().optional(),
    /**
     * The client executes the tool and sends the result back; the run pauses until it does. Unset: the agent runs it
     * (every face reads it so; a client tool says `true`).
     */
    clientSide: z.boolean().optional(),
    /** A human must approve the call before it runs. */
    approvalRequired: z.boolean().optional(),
  }),
)
export type ToolInfo = z.infer<typeof ToolInfo>

/** A tool the client declares for the agent to call (Responses `tools[]` of type function). */
export const ToolSpec = lazySchema(() =>
  z.object({
    name: z.string(),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
    strict: z.boolean().optional(),
  }),
)
export type ToolSpec = z.infer<typeof ToolSpec>

/** A tool call as it appears in conversation history. `arguments` is the raw JSON string, never re-serialised. */
export const ToolCall = lazySchema(() =>
  z.object({
    callId: z.string(),
    name: z.string(),
    arguments: z.string(),
    tool: ToolInfo.optional(),
  }),
)
export type ToolCall = z.infer<typeof ToolCall>

/** The result of a tool call, supplied by the client (client tools) or produced by the agent. */
export const ToolResult = lazySchema(() =>
  z.object({
    callId: z.string(),
    name: z.string().optional(),
    output: z.union([z.string(), z.array(Part)]),
    isError: z.boolean().optional(),
  }),
)
export type ToolResult = z.infer<typeof ToolResult>

/** A human's answer to an approval interrupt for one call. */
export const ApprovalDecision = lazySchema(() =>
  z.object({
    callId: z.string(),
    approved: z.boolean(),
    reason: z.string().optional(),
  }),
)
export type ApprovalDecision = z.infer<typeof ApprovalDecision>
