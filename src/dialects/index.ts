// The one list of dialects the bridge serves. Adding a dialect is a folder under src/dialects and a line here.
import { demo } from '../demo/dialect.js'
import { a2a } from './a2a/dialect.js'
import { acp } from './acp/dialect.js'
import { orq } from './orq/dialect.js'
import { responses } from './responses/dialect.js'
import { truefoundry } from './truefoundry/dialect.js'

export const dialects = [responses, a2a, acp, orq, truefoundry, demo] as const

export type BuiltInDialect = (typeof dialects)[number]
