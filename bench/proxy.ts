// The floor any proxy pays, in a process of its own: node:http in, node:http out, bytes piped untouched.
// Started by bench/run.ts with the upstream's origin; tells the parent its port, and its heap when asked.
import { createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'

const upstream = new URL(process.argv[2] ?? '')
const server = createServer((req, res) => {
  const up = request(
    { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    },
  )
  req.pipe(up)
})
// The same listen backlog as the bridge's.
server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 }, () =>
  process.send?.({ port: (server.address() as AddressInfo).port }),
)
// Stopped by the bench: exit in order, so that a CPU profile asked for (BENCH_PROF) is written.
process.on('SIGTERM', () => process.exit(0))
process.on('message', (m: { heap?: true; cpu?: true }) => {
  if (m.cpu) process.send?.({ cpu: process.cpuUsage() })
  if (!m.heap) return
  globalThis.gc?.()
  process.send?.({ heap: process.memoryUsage().heapUsed })
})
