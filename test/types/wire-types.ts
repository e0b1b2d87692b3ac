// Compile-time check (run by `npm test` through tsc): every schema in specs/<dialect>.yaml has a zod schema of
// the same name in src/dialects/<dialect>/wire.ts, and the two types are mutually assignable.
import type { z } from 'zod'
import type { components as ResponsesSpec } from '../../src/generated/responses.js'
import type * as responses from '../../src/dialects/responses/wire.js'
import type { components as A2ASpec } from '../../src/generated/a2a.js'
import type * as a2a from '../../src/dialects/a2a/wire.js'
import type { components as ACPSpec } from '../../src/generated/acp.js'
import type * as acp from '../../src/dialects/acp/wire.js'
import type { components as OrqSpec } from '../../src/generated/orq.js'
import type * as orq from '../../src/dialects/orq/wire.js'
import type { components as TfResponsesSpec } from '../../src/generated/truefoundry-responses.js'
import type * as tfResponses from '../../src/dialects/truefoundry/responses-wire.js'
import type { components as TfSessionsSpec } from '../../src/generated/truefoundry-sessions.js'
import type * as tfSessions from '../../src/dialects/truefoundry/sessions-wire.js'

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

type Mismatched<Wire, Spec> = {
  [K in keyof Spec & keyof Wire]: Wire[K] extends z.ZodType
    ? Same<z.infer<Wire[K]>, Spec[K]> extends true
      ? never
      : K
    : K
}[keyof Spec & keyof Wire]

type Missing<Wire, Spec> = Exclude<keyof Spec, keyof Wire>

type Verdict<Wire, Spec> = [Mismatched<Wire, Spec> | Missing<Wire, Spec>] extends [never]
  ? 'ok'
  : { mismatched: Mismatched<Wire, Spec>; missing: Missing<Wire, Spec> }

export const responsesWire: Verdict<typeof responses, ResponsesSpec['schemas']> = 'ok'
export const a2aWire: Verdict<typeof a2a, A2ASpec['schemas']> = 'ok'
export const acpWire: Verdict<typeof acp, ACPSpec['schemas']> = 'ok'
export const orqWire: Verdict<typeof orq, OrqSpec['schemas']> = 'ok'
export const tfResponsesWire: Verdict<typeof tfResponses, TfResponsesSpec['schemas']> = 'ok'
export const tfSessionsWire: Verdict<typeof tfSessions, TfSessionsSpec['schemas']> = 'ok'
