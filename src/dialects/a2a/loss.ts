import type { LossTable } from '../../core/index.js'

/** What A2A carries of the canonical model, and how. */
export const a2aLoss: LossTable = [
  {
    feature: 'run and conversation ids',
    fidelity: 'carried',
    how: 'taskId = run id, contextId = conversation id; a client-supplied contextId is accepted',
  },
  {
    feature: 'run status',
    fidelity: 'carried',
    how: 'TASK_STATE_SUBMITTED → WORKING → INPUT_REQUIRED / AUTH_REQUIRED / COMPLETED / FAILED / CANCELED; a `rejected` error code is REJECTED',
  },
  {
    feature: 'text deltas of the answer',
    fidelity: 'carried',
    how: 'artifact chunks of one artifact per message (`artifactId` = message id, `append`, `lastChunk`; an empty last chunk closes it)',
  },
  {
    feature: 'reasoning',
    fidelity: 'approximated',
    how: 'one WORKING status message per message (extension `kind: reasoning`), sent whole before the answer',
  },
  {
    feature: 'commentary and sub-agent messages',
    fidelity: 'approximated',
    how: 'WORKING status messages, sent whole (extension `kind: commentary`, `executionId`)',
  },
  {
    feature: 'file and data parts',
    fidelity: 'carried',
    how: 'v1 `url` / `raw` / `data` parts with `mediaType` and `filename`; in v0.3, `file` and `data` parts (media type in part metadata, non-object data wrapped as `{value}`)',
  },
  {
    feature: 'client tool call',
    fidelity: 'carried',
    how: 'INPUT_REQUIRED status message with one function-call data part per call (`call_id`, `name`, `arguments` verbatim)',
  },
  {
    feature: 'tool-call argument deltas',
    fidelity: 'dropped',
    how: 'a call goes out whole, when the run pauses for it',
  },
  {
    feature: 'tool result from the client',
    fidelity: 'carried',
    how: 'a function-call-output data part in the follow-up message on the same taskId (or plain text for a single call)',
  },
  {
    feature: 'tool the agent runs itself',
    fidelity: 'carried',
    how: 'WORKING status messages with tool-call and tool-result data parts',
  },
  {
    feature: 'approval of a tool call',
    fidelity: 'carried',
    how: 'INPUT_REQUIRED with the question and an approval-request data part; answered by an approval-response data part (or yes/no text)',
  },
  {
    feature: 'free-form question',
    fidelity: 'carried',
    how: 'INPUT_REQUIRED with the question as text; the answer is the next message on the task',
  },
  {
    feature: 'interrupt type, payload and schemas',
    fidelity: 'carried',
    how: 'extension metadata on the status message, plus an interrupt data part when the interrupt has a payload and no calls',
  },
  { feature: '`auth_required`', fidelity: 'carried', how: 'TASK_STATE_AUTH_REQUIRED; streams stay open' },
  {
    feature: 'artifacts',
    fidelity: 'carried',
    how: 'artifact updates with name, description, parts, metadata, `append`, `lastChunk`',
  },
  {
    feature: 'sub-agents',
    fidelity: 'carried',
    how: 'WORKING status updates whose extension metadata says `agent.started` / `agent.completed` (execution ids, parent, call)',
  },
  {
    feature: 'usage',
    fidelity: 'carried',
    how: 'extension metadata on the status update that ends each turn (and so on the task), cache writes and cost included',
  },
  { feature: 'refusal', fidelity: 'approximated', how: "the answer's text (A2A has no refusal part)" },
  {
    feature: 'upstream events of unknown type',
    fidelity: 'dropped',
    how: "A2A's four stream events have no room for one; the run log keeps it",
  },
  {
    feature: 'failure',
    fidelity: 'carried',
    how: 'TASK_STATE_FAILED with the message as status text and the error code in extension metadata',
  },
  {
    feature: 'incomplete completion',
    fidelity: 'carried',
    how: 'COMPLETED with `incomplete.reason` in extension metadata',
  },
  {
    feature: 'event `ext` and timestamps of events other than status',
    fidelity: 'dropped',
    how: 'A2A events carry only status timestamps; other extras stay in the bridge',
  },
  {
    feature: 'client-declared tools, instructions, agent config',
    fidelity: 'dropped',
    how: 'A2A messages have no such fields; request metadata is passed as `metadata`',
  },
  {
    feature: 'progress text (a working status with a message)',
    fidelity: 'carried',
    how: 'a WORKING status message; read back the same way, never as part of the answer',
  },
  {
    feature: 'direct answer (no task)',
    fidelity: 'carried',
    how: "a blocking SendMessage is answered with a `Message`, as the agent answered (the bridge still keeps a task); a stream, which has sent the task already, says `direct` in the COMPLETED status's extension metadata",
  },
]
