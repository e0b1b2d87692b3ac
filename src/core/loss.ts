/** How faithfully a dialect carries a canonical feature. */
export type Fidelity = 'carried' | 'approximated' | 'dropped'

export interface LossRow {
  feature: string
  fidelity: Fidelity
  how: string
}

/** What a dialect cannot express, declared rather than silently dropped; README shows each table. */
export type LossTable = readonly LossRow[]

const MARK: Record<Fidelity, string> = { carried: '✅ carried', approximated: '⚠️ approximated', dropped: '❌ dropped' }

export const renderLossTable = (table: LossTable): string =>
  [
    '| canonical feature | fidelity | how |',
    '| --- | --- | --- |',
    ...table.map((r) => `| ${r.feature} | ${MARK[r.fidelity]} | ${r.how} |`),
  ].join('\n')
