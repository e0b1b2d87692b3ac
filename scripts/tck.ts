// `npm run tck`: the official A2A conformance kit against the bridge, with the TCK agent (test/tck/agent.ts) behind
// it. The kit is not in this repository: it is run from $A2A_TCK (default ../shared/tools/a2a-tck, whose run.sh
// prepares its Python). Prints the kit's figures per run; the JUnit reports land in ./tck-reports/.
//
//   npm run tck                  v1.0 (JSON-RPC + HTTP+JSON) one hop and two hops, then v0.3 (all five categories)
//   npm run tck -- v1.0          one of: v1.0, v1.0-two-hops, v0.3
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { serveBridge } from '../src/node.js'
import type { RunningBridge } from '../src/node.js'
import { createTckAgent } from '../test/tck/agent.js'

const kit = resolve(process.env.A2A_TCK ?? '../shared/tools/a2a-tck')
if (!existsSync(`${kit}/run.sh`)) {
  console.error(`No A2A TCK at ${kit} (set A2A_TCK to the folder holding run.sh).`)
  process.exit(2)
}
const reports = resolve('tck-reports')

/**
 * The bridge serving a TCK agent: `tck` (v1.0 behaviour) or `tck03` (what the v0.3 kit expects). One agent per
 * bridge, as the v0.3 kit reads the card at the origin's /.well-known/agent-card.json (the default agent's).
 */
async function bridgeWithAgent(id: 'tck' | 'tck03'): Promise<RunningBridge> {
  return serveBridge({
    agents: [{ id, backend: createTckAgent({ id, otherwise: id === 'tck03' ? 'input-required' : 'complete' }) }],
    // The kit's push receiver is plain http on loopback: allowed for this run only, never by default.
    webhooks: { allowInsecure: true },
    port: 0,
    log: () => {},
  })
}

/** A second bridge in front of the first, reaching its `tck` agent as an A2A upstream. */
async function frontBridge(inner: RunningBridge): Promise<RunningBridge> {
  return serveBridge({
    config: { agents: [{ id: 'tck', dialect: 'a2a', url: `${inner.url}/a2a/tck` }] },
    webhooks: { allowInsecure: true },
    port: 0,
    log: () => {},
  })
}

/** passed / failed / skipped from a JUnit report. */
function figures(file: string): string {
  if (!existsSync(file)) return 'no report'
  const xml = readFileSync(file, 'utf8')
  const sum = (attr: string) =>
    [...xml.matchAll(new RegExp(`<testsuite [^>]*\\b${attr}="(\\d+)"`, 'g'))].reduce((n, m) => n + Number(m[1]), 0)
  const tests = sum('tests')
  const failed = sum('failures') + sum('errors')
  const skipped = sum('skipped')
  return `${tests - failed - skipped} passed, ${failed} failed, ${skipped} skipped`
}

/** Requirements passed and failed per level (MUST, SHOULD, MAY), from the v1.0 kit's compatibility report. */
function levels(file: string): string {
  if (!existsSync(file)) return ''
  const report = JSON.parse(readFileSync(file, 'utf8')) as {
    per_requirement: Record<string, { level: string; status: string }>
  }
  const count = new Map<string, { pass: number; fail: number }>()
  for (const { level, status } of Object.values(report.per_requirement)) {
    const c = count.get(level) ?? { pass: 0, fail: 0 }
    if (status === 'PASS') c.pass++
    if (status === 'FAIL') c.fail++
    count.set(level, c)
  }
  const failed = Object.entries(report.per_requirement).filter(([, r]) => r.status === 'FAIL')
  return `; requirements ${[...count].map(([l, c]) => `${l} ${c.pass} passed/${c.fail} failed`).join(', ')}${
    failed.length ? ` (failed: ${failed.map(([id, r]) => `${id} ${r.level}`).join(', ')})` : ''
  }`
}

/** Runs the kit as a child process: asynchronously, since the bridges it tests live in this process. */
async function runKit(version: 'v1.0' | 'v0.3', url: string, out: string, categories: string[] = []): Promise<void> {
  console.log(`\n=== ${out}: ${version} against ${url}`)
  const child = spawn('bash', [`${kit}/run.sh`, version, url, ...categories], {
    stdio: 'inherit',
    env: { ...process.env, OUT: `${reports}/${out}` },
  })
  await once(child, 'exit')
}

const wanted = process.argv.slice(2)
const runs = wanted.length ? wanted : ['v1.0', 'v1.0-two-hops', 'v0.3']
const inner = await bridgeWithAgent('tck')
const front = runs.includes('v1.0-two-hops') ? await frontBridge(inner) : undefined
const v03 = runs.includes('v0.3') ? await bridgeWithAgent('tck03') : undefined
const summary: string[] = []
try {
  if (runs.includes('v1.0')) {
    await runKit('v1.0', `${inner.url}/a2a/tck`, 'v1.0')
    summary.push(`v1.0, bridge → TCK agent: ${figures(`${reports}/v1.0/v1.0.xml`)}${levels(`${reports}/v1.0/v1.json`)}`)
  }
  if (front) {
    await runKit('v1.0', `${front.url}/a2a/tck`, 'v1.0-two-hops')
    const two = `${reports}/v1.0-two-hops`
    summary.push(`v1.0, bridge → bridge → TCK agent: ${figures(`${two}/v1.0.xml`)}${levels(`${two}/v1.json`)}`)
  }
  if (v03) {
    const categories = ['mandatory', 'capabilities', 'quality', 'features', 'multi_transport']
    await runKit('v0.3', `${v03.url}/a2a/tck03`, 'v0.3', categories)
    for (const c of categories) summary.push(`v0.3 ${c}: ${figures(`${reports}/v0.3/v0.3-${c}.xml`)}`)
  }
} finally {
  await front?.close()
  await v03?.close()
  await inner.close()
}
console.log(`\n${summary.join('\n')}`)
