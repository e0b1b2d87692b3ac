// The bridge under test, in a process of its own, with agents reaching the bench's Responses upstream.
// Tells the parent its URL, and its heap when asked.
import { serveBridge } from '../src/node.js'

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
process.on('message', (m: { heap?: true; cpu?: true; rss?: true }) => {
  if (m.cpu) process.send?.({ cpu: process.cpuUsage() })
  if (!m.heap && !m.rss) return
  globalThis.gc?.()
  const memory = process.memoryUsage()
  process.send?.(m.rss ? { rss: memory.rss, heap: memory.heapUsed } : { heap: memory.heapUsed })
})
