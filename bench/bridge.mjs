// The bridge under test, in a process of its own, with agents reaching the bench's Responses upstream.
// Tells the parent its URL, and its heap when asked. It runs the build (dist/, as the package ships it; `npm run bench`
// builds first), not the sources through tsx, whose keepNames wrapper costs about 270 ns on every closure made.
import { Server, ServerResponse } from 'node:http'
import { serveBridge } from '../dist/node.js'

// Where a new stream's first byte waits: from the moment Node hands the bridge a request to its first write, the
// bridge's own time; the rest of the client's wait is before (the connection waiting to be accepted, the request to be
// read). A WeakMap entry and a clock read per request, the same whatever the face.
const received = new WeakMap()
/** @type {number[]} */
let untilFirstWrite = []
const emit = Server.prototype.emit
Server.prototype.emit = function (name, ...args) {
  if (name === 'request') received.set(args[1], performance.now())
  return emit.call(this, name, ...args)
}
const write = ServerResponse.prototype.write
ServerResponse.prototype.write = function (...args) {
  const at = received.get(this)
  if (at !== undefined) {
    untilFirstWrite.push(performance.now() - at)
    received.delete(this)
  }
  return write.apply(this, args)
}

const upstream = process.argv[2] ?? ''
const bridge = await serveBridge({
  port: 0,
  log: () => {},
  config: {
    // Short, so the bench can see memory come back once its runs expire (BENCH_TTL_SECONDS).
    ttlSeconds: Number(process.env.BENCH_TTL_SECONDS ?? 10),
    agents: [
      { id: 'fast', dialect: 'responses', url: `${upstream}/fast/v1` },
      { id: 'idle', dialect: 'responses', url: `${upstream}/idle/v1` },
      { id: 'paced', dialect: 'responses', url: `${upstream}/paced/v1` },
    ],
  },
})
process.send?.({ url: bridge.url })
// Stopped by the bench: exit in order, so that a CPU profile asked for (BENCH_PROF) is written.
process.on('SIGTERM', () => process.exit(0))
process.on('message', (/** @type {{ heap?: true, cpu?: true, rss?: true, firstWrites?: true }} */ m) => {
  if (m.cpu) process.send?.({ cpu: process.cpuUsage() })
  if (m.firstWrites) {
    process.send?.({ firstWrites: untilFirstWrite })
    untilFirstWrite = []
  }
  // RSS is read as it stands: a forced collection is not a memory-reducing one, and forcing one every few seconds
  // keeps V8's memory reducer (which hands pooled pages back once the process is idle) from ever running.
  if (m.rss) {
    const memory = process.memoryUsage()
    process.send?.({ rss: memory.rss, heap: memory.heapTotal })
  }
  if (!m.heap) return
  globalThis.gc?.()
  process.send?.({ heap: process.memoryUsage().heapUsed })
})
