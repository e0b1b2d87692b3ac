import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createBridge } from '../src/bridge/index.js'
import { renderLossTable } from '../src/core/index.js'
import { scenarios } from '../src/demo/index.js'
import { dialects } from '../src/dialects/index.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  scripts: Record<string, string>
}

// The README is the product's manual: these keep it true as the code moves.
describe('README', () => {
  // The descriptors are where the tables live: every dialect with a wire of its own declares one.
  it('has a loss table for every dialect with a face', () => {
    expect(dialects.filter((d) => d.face && !d.loss).map((d) => d.name)).toEqual([])
  })

  it.each(dialects.filter((d) => d.loss).map((d) => [d.name, d.loss ?? []] as const))(
    'shows the %s loss table exactly as the dialect declares it',
    (_name, table) => {
      expect(readme).toContain(renderLossTable(table))
    },
  )

  it('lists every endpoint of every face', () => {
    const bridge = createBridge({ agents: [{ id: 'demo', dialect: 'demo' }] })
    for (const face of bridge.faces) {
      for (const line of face.endpoints) {
        const path = line.split(/\s+/)[1] ?? ''
        expect(readme).toContain(path)
      }
    }
  })

  it('documents how to trigger every demo behaviour', () => {
    for (const s of scenarios) if (s.name !== 'echo') expect(readme).toContain(`\`${s.example}`)
  })

  it('gives the two set-up commands, and they exist', () => {
    expect(readme).toContain('npm install && npm start')
    expect(readme).toContain('npm test')
    expect(pkg.scripts.start).toBeDefined()
    expect(pkg.scripts.test).toBeDefined()
    expect(readme.split('\n').slice(0, 5).join(' ')).toContain('AGNTCY Agent Connect Protocol')
  })
})
