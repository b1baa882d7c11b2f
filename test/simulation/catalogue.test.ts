import { describe, expect, it } from 'vitest';
import { CATALOGUE, copierGain, incentiveInstability, scenarioMetrics, simulate } from '../../src/index.js';
import type { EpochOutput } from '../../src/index.js';

const byName = (result: ReturnType<typeof simulate>, name: string): EpochOutput[] =>
  (result.variants.find((v) => v.name === name) as { epochs: EpochOutput[] }).epochs;

describe('the built-in catalogue', () => {
  it('every case runs, every variant, one output per epoch', () => {
    for (const [name, make] of CATALOGUE) {
      const sc = make();
      const r = simulate(sc, { mode: 'f64' });
      expect(r.variants.length, name).toBe(sc.variants?.length ?? 1);
      for (const v of r.variants) expect(v.epochs.length, `${name} ${v.name}`).toBe(Math.max(sc.epochs.length, sc.epochCount ?? 0));
    }
  });

  it('kappa moves first: incentive follows the big validator at once; a small one\'s dividends dip to 0, then recover', () => {
    const r = simulate(CATALOGUE.get('kappa-moves-first')!());
    for (const v of r.variants) {
      expect(v.epochs.slice(1).every((o) => o.incentive[4] === 65535), v.name).toBe(true);
      const b = v.epochs.map((o) => o.dividends[1] as number);
      expect(b[1], v.name).toBe(0);
      for (let e = 2; e < 12; e++) expect(b[e], `${v.name} epoch ${e}`).toBeGreaterThan(b[e - 1] as number);
    }
    // Yuma3 gives the followers their share back faster than the original bonds.
    expect(byName(r, 'yuma3')[5]!.dividends[1]).toBeGreaterThan(byName(r, 'original')[5]!.dividends[1] as number);
  });

  it('kappa moves second: a lone small mover is a clipped minority, then rewarded once the big validator follows', () => {
    const y3 = byName(simulate(CATALOGUE.get('kappa-moves-second')!()), 'yuma3');
    expect(y3[1]!.incentive[3]).toBe(65535);
    expect(y3[1]!.dividends[1]).toBeLessThan(y3[0]!.dividends[1] as number);
    expect(y3[2]!.incentive[4]).toBe(65535);
    expect(y3[2]!.dividends[1]).toBeGreaterThan(y3[0]!.dividends[1] as number);
  });

  it('a re-registered server loses every bond to it, then rebuilds them once the validators return', () => {
    for (const [name, reset] of [['kappa-moves-second-then-third', 20], ['kappa-moves-second-then-all-switch', 21]] as const) {
      for (const v of simulate(CATALOGUE.get(name)!()).variants) {
        const bondsTo3 = (e: number): number => v.epochs[e]!.bonds.slice(0, 3).reduce((a, row) => a + (row.find(([j]) => j === 3)?.[1] ?? 0), 0);
        expect(bondsTo3(reset - 1), `${name} ${v.name}`).toBeGreaterThan(0);
        expect(bondsTo3(reset), `${name} ${v.name}`).toBe(0);
        expect(v.epochs[39]!.incentive[3], `${name} ${v.name}`).toBe(65535);
        expect(bondsTo3(39), `${name} ${v.name}`).toBeGreaterThan(0);
        // Yuma3 stores the EMA itself, so the rebuilding shows; the original bonds are max-upscaled per column.
        if (v.name.startsWith('yuma3')) expect(bondsTo3(39), `${name} ${v.name}`).toBeGreaterThan(bondsTo3(reset + 4));
      }
    }
  });

  it('refuses a re-registration of a uid that does not exist, naming the place', () => {
    const sc = CATALOGUE.get('kappa-moves-first')!();
    sc.epochs[2] = { ...sc.epochs[2], register: [9] };
    expect(() => simulate(sc)).toThrow(/epochs\[2\]\.register\[0\]/);
  });

  it('kappa moves third: the early minorities are clipped (incentive stays on S1, their dividends dip) until the big validator follows', () => {
    const y3 = byName(simulate(CATALOGUE.get('kappa-moves-third')!()), 'yuma3');
    expect(y3[1]!.incentive[3]).toBe(65535);
    expect(y3[2]!.incentive[3]).toBe(65535);
    expect(y3[3]!.incentive[4]).toBe(65535);
    expect(y3[1]!.dividends[1]).toBeLessThan(y3[0]!.dividends[1] as number);
    expect(y3[2]!.dividends[2]).toBeLessThan(y3[0]!.dividends[2] as number);
  });

  it('big validator lags twice: with 80% of stake it decides the consensus, so lagging costs it nothing and the early movers pay', () => {
    for (const v of simulate(CATALOGUE.get('big-validator-lags-twice')!()).variants) {
      const e = v.epochs;
      expect(e[1]!.incentive[3], v.name).toBe(65535);
      expect(e[2]!.incentive[4], v.name).toBe(65535);
      expect(e[1]!.dividends[0], v.name).toBeGreaterThanOrEqual(e[0]!.dividends[0] as number);
      expect(e[21]!.dividends[0], v.name).toBeGreaterThanOrEqual(e[20]!.dividends[0] as number);
      expect(e[1]!.dividends[1], v.name).toBeLessThanOrEqual(e[0]!.dividends[1] as number);
    }
  });

  it('residual weight: keeping 0.001 on the old server does not pay (its weight is clipped; it earns no more than B)', () => {
    const r = simulate(CATALOGUE.get('residual-weight')!());
    for (const v of r.variants) {
      const last = v.epochs.at(-1)!;
      expect(last.dividends[2], v.name).toBeLessThanOrEqual(last.dividends[1] as number);
    }
    const y3 = byName(r, 'yuma3').at(-1)!;
    const toS1 = (i: number): number => y3.bonds[i]!.find(([j]) => j === 3)?.[1] ?? 0;
    expect(toS1(2)).toBe(toS1(0));
  });

  it('clipping demo: the median splits the incentive evenly and clips the two large validators, not the small one', () => {
    for (const v of simulate(CATALOGUE.get('clipping-demo')!()).variants) {
      const last = v.epochs[v.epochs.length - 1]!;
      expect(Math.abs((last.incentive[3] as number) - (last.incentive[4] as number)), v.name).toBeLessThanOrEqual(1);
      expect(last.validatorTrust[0], v.name).toBeLessThan(last.validatorTrust[2] as number);
      expect(last.validatorTrust[1], v.name).toBeLessThan(last.validatorTrust[2] as number);
    }
  });

  it('persistent disagreement: the kappa holder takes the incentive and the dividends; the minority gets nothing', () => {
    const y3 = byName(simulate(CATALOGUE.get('persistent-disagreement')!()), 'yuma3');
    expect(y3.every((o) => o.incentive[4] === 65535 && o.dividends[0] === 65535 && o.dividends[1] === 0)).toBe(true);
  });

  it('one-epoch switch: incentive never leaves S1; the deviator\'s dividends dip at the switch, then recover', () => {
    const y3 = byName(simulate(CATALOGUE.get('one-epoch-switch')!()), 'yuma3');
    expect(y3.every((o) => o.incentive[3] === 65535)).toBe(true);
    const c = y3.map((o) => o.dividends[2] as number);
    expect(c[20]).toBeLessThan(c[19] as number);
    for (let e = 22; e < 40; e++) expect(c[e], `epoch ${e}`).toBeGreaterThan(c[e - 1] as number);
  });

  it('small validators merged: dividends follow the stake that moved', () => {
    const y3 = byName(simulate(CATALOGUE.get('small-validators-merged')!()), 'yuma3');
    expect(y3[4]!.dividends[1]).toBe(y3[4]!.dividends[2]);
    expect(y3[5]!.dividends[2]).toBe(0);
    expect(y3[5]!.dividends[1]).toBeGreaterThan(1.9 * (y3[4]!.dividends[1] as number));
  });

  it('stable miner: the miner nobody moves away from keeps its share of incentive through the migration', () => {
    for (const share of [0.25, 0.5, 0.75, 0.9]) {
      const r = simulate(CATALOGUE.get(`stable-miner-${share}`)!());
      for (const v of r.variants) {
        const last = v.epochs[v.epochs.length - 1]!;
        expect(Math.abs((last.incentive[3] as number) / 65535 - share), `${share} ${v.name}`).toBeLessThan(0.001);
        expect(last.incentive[4], `${share} ${v.name}`).toBe(0);
      }
    }
  });

  it('cartels: the boosted miners gain more incentive the more stake the cartel holds, and clipping keeps it small', () => {
    const gains = [10, 20, 40].map((pct) => {
      const sc = CATALOGUE.get(`cartel-${pct}`)!();
      const m = scenarioMetrics(sc, simulate(sc, { mode: 'f64' }), { mode: 'f64' });
      return m[1]!.cartelGain as number;
    });
    expect(gains[0]).toBeGreaterThanOrEqual(0.99);
    expect(gains[1]).toBeGreaterThan(gains[0] as number);
    expect(gains[2]).toBeGreaterThan(gains[1] as number);
    expect(gains[2]).toBeLessThan(1.5);
  });

  it('sybil miners: an operator serving the same answers from five uids takes about five times the incentive of one', () => {
    const share = (name: string, group: number[]): number => {
      const last = byName(simulate(CATALOGUE.get(name)!(), { mode: 'f64' }), 'yuma3').at(-1)!;
      return group.reduce((a, j) => a + (last.incentive[j] as number), 0) / 65535;
    };
    const alone = share('sybil-0', [10]), withSybils = share('sybil-4', [10, 11, 12, 13, 14]);
    expect(alone).toBeGreaterThan(0);
    // Yuma alone does not stop it: every copy is weighed at the operator's quality.
    expect(withSybils / alone).toBeGreaterThan(4);
  });

  it('incentive instability is 0 for a subnet that does not move and positive for one that migrates', () => {
    const still = byName(simulate(CATALOGUE.get('persistent-disagreement')!()), 'yuma3');
    expect(incentiveInstability(still)).toBe(0);
    expect(incentiveInstability(byName(simulate(CATALOGUE.get('kappa-moves-first')!()), 'yuma3'))).toBeGreaterThan(0);
  });

  it('weight copiers (Yuma3, bonds penalty 1): the gain G falls as the lag grows, and the original bonds pay the copier more', () => {
    const honest = [0, 1, 2, 3, 4, 5, 6, 7];
    const rows: string[] = [];
    const g: Record<string, number[]> = { original: [], yuma3: [], 'yuma3-liquid-alpha': [] };
    for (const lag of [1, 2, 3]) {
      const sc = CATALOGUE.get(`copier-lag-${lag}`)!();
      const r = simulate(sc);
      for (const v of r.variants) g[v.name]!.push(copierGain(v.epochs, sc.stake, 8, honest, 25));
    }
    for (const [name, values] of Object.entries(g)) rows.push(`${name}: ${values.map((x) => x.toFixed(4)).join(' ')}`);
    console.log(`copier gain G by lag 1, 2, 3 (epochs 25..59):\n${rows.join('\n')}`);
    const y3 = g.yuma3!, orig = g.original!;
    expect(y3[1]).toBeLessThan(y3[0] as number);
    expect(y3[2]).toBeLessThan(y3[1] as number);
    for (let d = 0; d < 3; d++) expect(orig[d], `lag ${d + 1}`).toBeGreaterThan(y3[d] as number);
  });
});
