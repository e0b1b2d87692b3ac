export * from './async.js'
export * from './sse-read.js'
export * from './sse-write.js'
