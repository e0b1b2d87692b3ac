import type { LossTable } from '../../core/index.js'

/** What Orq carries of the canonical model, and how (the task stream; the `/responses` surface where it differs). */
export const orqLoss: LossTable = [
  {
    feature: 'run and conversation ids',
    fidelity: 'approximated',
    how: 'an Orq task is the conversation (`task_id` continues it); each turn is a run, or the paused run resumed; `workflowRunId` names the turn',
  },
  {
    feature: '`run.status` working',
    fidelity: 'carried',
    how: '`agents.execution_started` and `event.agents.started` open every turn',
  },
  {
    feature: 'text deltas',
    fidelity: 'approximated',
    how: '`event.agents.thought` snapshots (`message_difference`, the whole changed message) at most one per 100 ms (`faces.orq.valuesIntervalMs`) and at each boundary; `/responses`: `part.delta` per delta',
  },
  {
    feature: 'reasoning deltas',
    fidelity: 'approximated',
    how: '`choice.message.reasoning` on the next thought; `/responses`: `part.delta` of a `reasoning` part',
  },
  {
    feature: 'commentary messages',
    fidelity: 'approximated',
    how: 'an agent message with `metadata.phase: "commentary"`',
  },
  {
    feature: 'file and data parts in messages',
    fidelity: 'carried',
    how: '`file` and `data` parts (non-object data wrapped as `{value}`)',
  },
  {
    feature: 'client tool call',
    fidelity: 'carried',
    how: '`tool_call` part in a thought, then `event.agents.inactive{finish_reason: "function_call", pending_tool_calls}`; the `arguments` string verbatim in `pending_tool_calls`',
  },
  {
    feature: 'tool the agent runs itself',
    fidelity: 'carried',
    how: '`event.workflow_events.tool_execution_started` / `_finished` / `_failed` (`/responses`: `tool.started` / `tool.done` / `tool.failed`)',
  },
  {
    feature: 'tool result from the client',
    fidelity: 'carried',
    how: 'continuation with `task_id` and a `tool` message of `tool_result` parts',
  },
  {
    feature: 'approval of a tool call',
    fidelity: 'approximated',
    how: '`event.agents.action_review_requested` (`/responses`: `tool.review.requested`), then the call is pending; answered by a `tool_result` `{approved, reason?}`. Orq itself has no API to answer a review',
  },
  {
    feature: 'approvals an Orq upstream asks for',
    fidelity: 'approximated',
    how: 'reported only: `action_review_requested` / `action_reviewed` become commentary messages (raw event in `ext.orq`), a rejected call an error result; the review happens in Orq',
  },
  {
    feature: 'pause (`input_required`)',
    fidelity: 'carried',
    how: 'the stream ends with `inactive` (`function_call` with pending calls); the Task state is `input-required`',
  },
  {
    feature: 'free-form question (input interrupt)',
    fidelity: 'approximated',
    how: 'the question as the agent message, `inactive` with `stop`; the next user message on the task answers it',
  },
  {
    feature: 'typed interrupt without a tool call',
    fidelity: 'approximated',
    how: 'a pending tool call named after the interrupt type (`id` = interrupt id, arguments = payload); its `tool_result` resumes',
  },
  { feature: 'interrupt payload and resume schemas', fidelity: 'dropped', how: 'no place in Orq events' },
  { feature: '`auth_required`', fidelity: 'approximated', how: 'its message as agent text; Orq has no auth state' },
  {
    feature: 'artifacts',
    fidelity: 'approximated',
    how: 'an agent message per artifact; name, description and metadata dropped',
  },
  {
    feature: 'sub-agents',
    fidelity: 'approximated',
    how: '`event.agents.handed_off`, then thoughts with the sub-agent as `agent_id`; Orq has no event for a sub-agent ending (an Orq upstream: the root speaking again ends it)',
  },
  {
    feature: 'usage',
    fidelity: 'carried',
    how: "`usage` on `inactive` / `response.done` (prompt, completion, cached, cache-write and reasoning tokens); an Orq upstream's `billing.total_cost` read as cost",
  },
  { feature: 'refusal', fidelity: 'approximated', how: "the agent message's text (`part.delta` text on `/responses`)" },
  {
    feature: 'cost (billing)',
    fidelity: 'approximated',
    how: "an Orq upstream's `billing` is kept in `run.completed` `ext.orq`",
  },
  {
    feature: 'upstream events of unknown type',
    fidelity: 'dropped',
    how: "no Orq event carries a foreign one; the run log keeps it (an Orq upstream's `execution_named` is one)",
  },
  {
    feature: 'incomplete completion',
    fidelity: 'approximated',
    how: "`finish_reason` `length` or `content_filter`; an Orq upstream's `max_iterations` / `max_time` read as incomplete",
  },
  {
    feature: '`run.failed`',
    fidelity: 'carried',
    how: '`event.agents.errored{error, code}` with an HTTP-like code (`/responses`: `response.failed`)',
  },
  {
    feature: '`run.canceled`',
    fidelity: 'approximated',
    how: 'Orq has no cancel: `event.agents.errored` with code 499; the Task state is `canceled`',
  },
  { feature: 'event `ext` and per-event metadata', fidelity: 'dropped', how: 'Orq events have no extension fields' },
  {
    feature: 'instructions and client-declared tools',
    fidelity: 'approximated',
    how: 'face: `run` / `stream-run` carry them (inline `instructions`, `function` tools); an Orq upstream takes neither (its agent defines them)',
  },
  {
    feature: 'history from another dialect',
    fidelity: 'dropped',
    how: "an Orq upstream keeps its task's history itself: only the new message goes, with `task_id`",
  },
  {
    feature: 'resume a dropped stream',
    fidelity: 'dropped',
    how: 'Orq has no event ids or subscribe: an upstream stream that drops fails the run, naming the drop',
  },
]
