import { defineDialect } from '../../bridge/dialect.js'
import { trueFoundryLoss } from './loss.js'
import { trueFoundryFace } from './routes.js'

/**
 * TrueFoundry's Agent Harness: its sessions/turns API and its agent responses stream, as a face under `/truefoundry`.
 * (The upstream client for TrueFoundry agents is not built yet: configuring a `truefoundry` agent is refused.)
 */
export const truefoundry = defineDialect({
  name: 'truefoundry',
  options: {},
  face: trueFoundryFace,
  loss: trueFoundryLoss,
})
