import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { generate } from '../scripts/gen.js'

// `npm run gen` output is committed; this fails when a spec changed without regenerating.
describe('generated types', () => {
  const specs = readdirSync(new URL('../specs/', import.meta.url)).filter((f) => f.endsWith('.yaml'))
  it.each(specs)('src/generated for %s is up to date', async (spec) => {
    const committed = readFileSync(
      new URL(`../src/generated/${spec.replace(/\.yaml$/, '.ts')}`, import.meta.url),
      'utf8',
    )
    expect(committed).toBe(await generate(spec))
  })
})
