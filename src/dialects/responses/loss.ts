import type { LossTable } from '../../core/index.js'

/** What Responses carries of the canonical model, and how. */
export const responsesLoss: LossTable = [
  {
    feature: 'run and conversation ids',
    fidelity: 'carried',
    how: 'one `resp_…` per turn; the bridge maps the chain (`previous_response_id`) to one run and one context',
  },
  {
    feature: '`run.status` working',
    fidelity: 'carried',
    how: '`response.in_progress` (background: `response.queued` first)',
  },
  {
    feature: 'text deltas',
    fidelity: 'carried',
    how: '`response.output_text.delta` on a `message` item (`msg_<messageId>`)',
  },
  {
    feature: 'reasoning deltas',
    fidelity: 'carried',
    how: '`reasoning` item (`rs_<messageId>`) with `response.reasoning_text.delta`',
  },
  { feature: 'commentary messages', fidelity: 'carried', how: '`phase: "commentary"` on the message item' },
  {
    feature: 'file and data parts in messages',
    fidelity: 'approximated',
    how: 'data as JSON text, files as markdown links (URL or data URL)',
  },
  {
    feature: 'client tool call',
    fidelity: 'carried',
    how: '`function_call` item; `call_id` and the `arguments` string verbatim',
  },
  {
    feature: 'tool the agent runs itself',
    fidelity: 'carried',
    how: "`mcp_call` item with `output` or `error`; `server_label` = the tool's server, else the agent id",
  },
  {
    feature: 'tool result from the client',
    fidelity: 'carried',
    how: '`function_call_output` input item on the follow-up request',
  },
  {
    feature: 'approval of a tool call',
    fidelity: 'carried',
    how: '`mcp_approval_request` item, answered by an `mcp_approval_response` input item',
  },
  {
    feature: 'pause (`input_required`)',
    fidelity: 'approximated',
    how: 'the response ends `completed` with the pending items; the run waits in the bridge for the follow-up',
  },
  {
    feature: 'free-form question (input interrupt)',
    fidelity: 'approximated',
    how: 'an assistant message; the next user message (with `previous_response_id`) answers it',
  },
  {
    feature: 'typed interrupt without a tool call',
    fidelity: 'approximated',
    how: '`function_call` named after the interrupt type, `call_id` = interrupt id, arguments = payload JSON',
  },
  { feature: 'interrupt payload and resume schemas', fidelity: 'dropped', how: 'no place in a Response' },
  {
    feature: '`auth_required`',
    fidelity: 'approximated',
    how: 'a commentary message; the response stays in progress until the run goes on',
  },
  {
    feature: 'artifacts',
    fidelity: 'approximated',
    how: 'a `message` item `msg_<artifactId>`, one delta per chunk; name, description and metadata dropped; a rewrite (`append: false`) opens a new item',
  },
  {
    feature: 'sub-agents',
    fidelity: 'approximated',
    how: 'their messages become commentary; execution ids and `agent.*` events dropped',
  },
  {
    feature: 'usage',
    fidelity: 'carried',
    how: '`usage` on the final Response (input, output, reasoning, cached tokens); cache writes and cost dropped',
  },
  {
    feature: 'refusal',
    fidelity: 'carried',
    how: 'a `refusal` content part with `response.refusal.delta` / `.done`; text after it goes on in a new `output_text` part of the same message',
  },
  {
    feature: 'upstream events of unknown type',
    fidelity: 'dropped',
    how: 'no Responses event carries a foreign one; the run log keeps it',
  },
  {
    feature: 'incomplete completion',
    fidelity: 'carried',
    how: '`response.incomplete` with `incomplete_details.reason` (`max_output_tokens`, `content_filter`; other reasons dropped)',
  },
  {
    feature: '`run.failed`',
    fidelity: 'approximated',
    how: '`response.failed`; `error.code` kept when it is a ResponseErrorCode, else `server_error`',
  },
  {
    feature: '`run.canceled`',
    fidelity: 'approximated',
    how: 'no event exists: open items close, the stream ends, retrieve shows `cancelled`',
  },
  {
    feature: 'event `ext` and per-event metadata',
    fidelity: 'dropped',
    how: 'Responses events have no extension fields',
  },
  {
    feature: 'request metadata',
    fidelity: 'approximated',
    how: 'at most 16 string pairs; other values JSON-encoded, long ones cut',
  },
  { feature: 'agent config', fidelity: 'dropped', how: 'no request field; `instructions` is carried as system text' },
  {
    feature: 'progress text (a working status with a message)',
    fidelity: 'dropped',
    how: "not an output item: clients join every message's text into the answer (`output_text`)",
  },
  {
    feature: 'direct answer (no task)',
    fidelity: 'approximated',
    how: 'a response like any other',
  },
]
