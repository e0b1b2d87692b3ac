import type { z } from 'zod'
import { fieldPath } from './errors.js'

type Issue = z.core.$ZodIssue

/** What is wrong with a value, said once for every reader: the field as clients write it, and why. */
export interface Problem {
  /** `input[0].content`, prefixed as the caller asked (`params.message`); empty for the value itself. */
  path: string
  message: string
  /** zod's issue code (`invalid_type`, `invalid_value`, …). */
  code: string
  /** The field is absent, rather than present and wrong. */
  missing: boolean
}

/**
 * A value checked against a schema. What does not fit is described once (`Problem`) and turned into the caller's
 * own error (each dialect words it its own way), so every reader names the same field for the same fault.
 */
export function parseWith<T>(schema: z.ZodType<T>, value: unknown, fail: (problem: Problem) => Error, prefix = ''): T {
  const result = schema.safeParse(value)
  if (result.success) return result.data
  throw fail(problemOf(result.error, value, prefix))
}

/** The issue that names the real problem (see deepestIssue), as a Problem. */
export function problemOf(error: z.ZodError, value: unknown, prefix = ''): Problem {
  const issue = deepestIssue(error.issues)
  return {
    path: fieldPath(issue?.path ?? [], prefix),
    message: issue?.message ?? 'invalid',
    code: issue?.code ?? 'custom',
    missing: issue?.code === 'invalid_type' && valueAt(value, issue.path) === undefined,
  }
}

/** For unions zod reports one issue per branch; the branch that got furthest names the real problem. */
function deepestIssue(
  issues: readonly Issue[],
  prefix: PropertyKey[] = [],
): (Issue & { path: PropertyKey[] }) | undefined {
  let best: (Issue & { path: PropertyKey[] }) | undefined
  for (const issue of issues) {
    const path = [...prefix, ...issue.path]
    let candidate: (Issue & { path: PropertyKey[] }) | undefined = { ...issue, path }
    if (issue.code === 'invalid_union' && issue.errors.length) {
      for (const branch of issue.errors) {
        const inner = deepestIssue(branch, path)
        if (inner && (!candidate || candidate.code === 'invalid_union' || inner.path.length > candidate.path.length))
          candidate = inner
      }
    }
    if (!best || (candidate && candidate.path.length > best.path.length)) best = candidate
  }
  return best
}

const valueAt = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined),
    value,
  )
