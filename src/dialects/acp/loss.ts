import type { LossTable } from '../../core/index.js'

/** What ACP carries of the canonical model, and how (custom mode carries every event as is). */
export const acpLoss: LossTable = [
  {
    feature: 'run and conversation ids',
    fidelity: 'carried',
    how: 'run_id = the run id as a UUID; thread_id = the conversation id as a UUID; agent_id = a stable UUID of the agent name',
  },
  {
    feature: 'every canonical event',
    fidelity: 'carried',
    how: 'in `custom` stream mode each event is one update `{event}` (the descriptor marks the schema); the rows below are `values` mode',
  },
  {
    feature: 'run status',
    fidelity: 'approximated',
    how: 'pending (queued and working), interrupted (input or auth required), success, error; timeout for a `timeout` error',
  },
  {
    feature: 'text deltas',
    fidelity: 'approximated',
    how: "`values` snapshots (`{messages, text}`) at most one per 100 ms while deltas arrive, and at each message's end; the receiver diffs them",
  },
  {
    feature: 'reasoning, commentary, sub-agent messages',
    fidelity: 'dropped',
    how: 'not in `values` (custom mode only)',
  },
  {
    feature: 'file and data parts',
    fidelity: 'approximated',
    how: 'message content blocks `{type: "file" | "data", …}` inside `values`',
  },
  {
    feature: 'tool calls and results',
    fidelity: 'dropped',
    how: 'not in `values` (custom mode only); client tools surface as interrupts',
  },
  {
    feature: 'interrupts',
    fidelity: 'carried',
    how: "`interrupt` events and `/wait` output `{<interrupt_type>: payload}`; the type is the agent's own or a generic one (function_call, approval, input, auth) declared in the descriptor",
  },
  {
    feature: 'resume',
    fidelity: 'carried',
    how: "POST the resume payload to the run: `{outputs}` / `{output}` for tools, `{approved, reason}` for approvals, `{answer}` for questions, or the agent's own shape",
  },
  {
    feature: 'artifacts',
    fidelity: 'approximated',
    how: '`values.artifacts` (`artifact_id`, `name`, parts); no append/lastChunk marks',
  },
  { feature: 'usage', fidelity: 'dropped', how: 'no place outside custom mode' },
  { feature: 'refusal', fidelity: 'approximated', how: "the answer's text in `values`" },
  {
    feature: 'upstream events of unknown type',
    fidelity: 'dropped',
    how: 'no place outside custom mode, which sends them as `upstream.event`',
  },
  {
    feature: 'failure',
    fidelity: 'carried',
    how: '`error` event and RunError `{errcode, description}` (errcodes: 408 timeout, 499 canceled, 500 agent, 502 upstream, 504 upstream timeout)',
  },
  { feature: 'cancel', fidelity: 'approximated', how: 'ACP has no canceled status: status error with errcode 499' },
  { feature: 'incomplete completion', fidelity: 'dropped', how: 'success, with the reason only in custom mode' },
  {
    feature: 'resume of a dropped stream',
    fidelity: 'carried',
    how: "SSE ids are the run's event seqs; a join with `Last-Event-ID` replays what followed",
  },
  {
    feature: 'a run longer than its bounded log',
    fidelity: 'approximated',
    how: "runs, `/wait` and threads show the log's tail: completed messages and artifacts whole, answers of turns whose events are gone missing; a stream that needs the dropped start ends with an `error` event (410)",
  },
  {
    feature: 'progress text (a working status with a message)',
    fidelity: 'dropped',
    how: 'values hold the answers only; custom mode carries it',
  },
  { feature: 'direct answer (no task)', fidelity: 'approximated', how: 'a run like any other' },
]
