// Face encoders set up as a one-turn test needs them, so each test says only what it varies.
import { createEncoder as createOrqEncoder, type OrqEncoderInit } from '../../src/dialects/orq/encode.js'
import { createTurnEncoder, type TurnEncoderInit } from '../../src/dialects/truefoundry/sessions-encode.js'

/** An Orq task-stream encoder for a first turn that answered "hi". */
export const orqTaskEncoder = (init: Partial<OrqEncoderInit> = {}) =>
  createOrqEncoder({
    taskId: 't1',
    workflowRunId: 'w1',
    agentId: 'a1',
    input: { role: 'user', parts: [{ kind: 'text', text: 'hi' }] },
    continuation: false,
    firstIndex: 1,
    startedAt: 0,
    ...init,
  })

/** A TrueFoundry turn encoder for a first turn (live deltas unless `deltas: false`). */
export const tfTurnEncoder = (init: Partial<TurnEncoderInit> = {}) =>
  createTurnEncoder({
    turnId: 't1',
    previousTurnId: null,
    input: [],
    createdBy: { subject_id: 'a', subject_type: 'user', subject_slug: 'a' },
    startedAt: 0,
    agentId: 'demo',
    ...init,
  })
