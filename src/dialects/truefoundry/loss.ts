import type { LossTable } from '../../core/index.js'

/** What TrueFoundry's two surfaces carry of the canonical model (sessions/turns; the responses stream where it differs). */
export const trueFoundryLoss: LossTable = [
  {
    feature: 'run and conversation ids',
    fidelity: 'carried',
    how: 'a session is the conversation, a turn its run (or the paused run resumed); the responses stream mints a `response_id` per request, chained by `previous_response_id`',
  },
  { feature: '`run.status` working', fidelity: 'carried', how: '`turn.created` (`response.created`) opens every turn' },
  {
    feature: 'text deltas',
    fidelity: 'carried',
    how: '`model.message` base + `model.message.delta` (`agent.message` fragments per `execution_id`)',
  },
  { feature: 'reasoning deltas', fidelity: 'carried', how: '`reasoning_content` on the deltas' },
  { feature: 'commentary messages', fidelity: 'approximated', how: 'a model message like any other (no phase)' },
  {
    feature: 'file and data parts in messages',
    fidelity: 'approximated',
    how: 'model messages hold text: data as JSON text, files dropped (user files in: `file` / `file_upload` data URLs)',
  },
  {
    feature: 'client tool call',
    fidelity: 'carried',
    how: 'a tool call (`tool_info` on the `client` server; `is_client_side` on the responses stream), then `tool.response_required`; answered by `user.tool_response` (`tool.client_side_response`)',
  },
  {
    feature: 'tool the agent runs itself',
    fidelity: 'carried',
    how: 'a tool call with `tool_info` naming its server, then `tool.response` (`agent.message` role `tool`)',
  },
  {
    feature: 'tool result from the client',
    fidelity: 'carried',
    how: '`user.tool_response` / `tool.client_side_response`',
  },
  {
    feature: 'approval of a tool call',
    fidelity: 'carried',
    how: '`tool.approval_required`, answered by `user.tool_approval` / `tool.approval` (`allow`, or `deny` with a reason)',
  },
  {
    feature: 'pause (`input_required`)',
    fidelity: 'carried',
    how: '`turn.done` with `required_actions` and `output: null` (the responses stream ends with the `*_required` event)',
  },
  {
    feature: 'free-form question (input interrupt)',
    fidelity: 'approximated',
    how: 'a client-side `ask_user_question` call `{question}`, as TrueFoundry agents ask; its `user.tool_response` answers',
  },
  {
    feature: 'typed interrupt without a tool call',
    fidelity: 'approximated',
    how: 'a client-side call named after the interrupt type, arguments = payload; its tool response resumes',
  },
  { feature: 'interrupt payload and resume schemas', fidelity: 'dropped', how: 'no place in turn events' },
  {
    feature: '`auth_required`',
    fidelity: 'approximated',
    how: '`mcp.auth_required` with the `auth_url` the payload names; the turn ends, the next turn goes on',
  },
  {
    feature: 'artifacts',
    fidelity: 'approximated',
    how: 'a model message per artifact; name, description and metadata dropped',
  },
  {
    feature: 'sub-agents',
    fidelity: 'carried',
    how: '`thread.created` / `thread.done` (`agent.created` / `agent.done` / `agent.error`) with the parent link; their events on their own `thread_id` (`execution_id`)',
  },
  {
    feature: 'usage',
    fidelity: 'approximated',
    how: "`turn.done` `metrics` (input, output, cache read and write, reasoning tokens, cost in USD); none on the responses stream; an upstream's input breakdown kept in `ext.truefoundry`",
  },
  { feature: 'refusal', fidelity: 'carried', how: '`refusal` on the deltas and the whole message (on the fragments)' },
  {
    feature: "MCP and sandbox lifecycle (an upstream's `mcp.initialize`, `sandbox.created`)",
    fidelity: 'approximated',
    how: 'kept as `upstream.event` with the event in `ext.truefoundry` (the run log, ACP custom mode); no face shows it',
  },
  {
    feature: 'upstream events of unknown type',
    fidelity: 'dropped',
    how: 'no turn event carries a foreign one; the run log keeps it',
  },
  { feature: 'incomplete completion', fidelity: 'dropped', how: 'the turn ends `done`' },
  {
    feature: '`run.failed`',
    fidelity: 'carried',
    how: '`turn.done` `{status: "error", message}` (`response.done` status `error`)',
  },
  {
    feature: '`run.canceled`',
    fidelity: 'carried',
    how: '`turn.done` `{status: "cancelled", reason}` (`client-cancelled`, `cancelled-for-next-turn`); `response.done` status `cancelled`',
  },
  { feature: 'event `ext` and per-event metadata', fidelity: 'dropped', how: 'turn events have no extension fields' },
  {
    feature: 'instructions',
    fidelity: 'approximated',
    how: "an inline agent's `instruction` (responses stream) goes with the turn; sessions carry none",
  },
  {
    feature: 'branching (`previous_turn_id` of an earlier turn)',
    fidelity: 'dropped',
    how: 'refused with 400: a conversation is one line of turns',
  },
]
