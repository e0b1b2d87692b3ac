import { readFileSync } from 'node:fs'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'
import { parse } from 'yaml'

/** Validators for schemas of one of our OpenAPI documents (specs/<name>.yaml). */
export function specValidator(name: string) {
  const doc = parse(readFileSync(new URL(`../../specs/${name}.yaml`, import.meta.url), 'utf8')) as {
    components: { schemas: Record<string, unknown> }
  }
  const ajv = new Ajv2020.default({ strict: false, allErrors: true })
  addFormats.default(ajv)
  ajv.addSchema({ $id: 'spec', components: doc.components })
  return {
    schemas: Object.keys(doc.components.schemas),
    /** Errors as text; empty when the value is valid. */
    errors(schema: string, value: unknown): string {
      const validate = ajv.getSchema(`spec#/components/schemas/${schema}`)
      if (!validate) throw new Error(`no schema ${schema} in specs/${name}.yaml`)
      return validate(value) ? '' : ajv.errorsText(validate.errors, { separator: '\n' })
    },
  }
}
