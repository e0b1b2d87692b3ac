export * from './memory.js'
export * from './types.js'
