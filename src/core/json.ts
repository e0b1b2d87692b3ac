// Small readings of JSON values every dialect makes.

/** A JSON object (not an array, not null). */
export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** A tool's output as a value: parsed when it is JSON text, else as it is (text stays text). */
export function jsonOrText(output: unknown): unknown {
  if (typeof output !== 'string') return output
  try {
    return JSON.parse(output)
  } catch {
    return output
  }
}
