import { describe, expect, it } from 'vitest';
import { CATALOGUE, copierGain, incentiveInstability, relativeDividends, scenarioMetrics, simulate } from '../../src/index.js';
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

  it('kappa moves first, in relative dividends (dividend share - stake share): the small validators dip below 0 and recover', () => {
    for (const v of simulate(CATALOGUE.get('kappa-moves-first')!()).variants) {
      const rel = v.epochs.map((o) => relativeDividends(o));
      // Paid in proportion to stake before the move (within the u16 rounding of the shares).
      for (const u of [0, 1, 2]) expect(Math.abs(rel[0]![u] as number), `${v.name} uid ${u}`).toBeLessThan(1e-4);
      // The big validator moves first and holds kappa: it takes what the small ones lose, so its line rises, not dips.
      expect(rel[1]![0], v.name).toBeCloseTo(0.2, 3);
      expect(rel[1]![1], v.name).toBeCloseTo(-0.1, 3);
      for (let e = 2; e < 40; e++) expect(rel[e]![1], `${v.name} epoch ${e}`).toBeGreaterThanOrEqual(rel[e - 1]![1] as number);
      // Recovery: Yuma3 is back near the stake's due by the end; the original bonds, max-upscaled, take longer.
      const bound = v.name === 'original' ? 0.1 : 0.01;
      for (const u of [0, 1, 2]) expect(Math.abs(rel[39]![u] as number), `${v.name} uid ${u}`).toBeLessThan(bound);
    }
  });

  it('late movers both ways: whoever moves before the kappa holder is clipped, in each direction; the late big validator gains', () => {
    for (const v of simulate(CATALOGUE.get('late-movers-both-ways')!()).variants) {
      const d = (e: number, u: number): number => v.epochs[e]!.dividends[u] as number;
      // Epoch 1: B and C move to S2, A (0.8) stays; incentive stays on S1 and the early movers lose dividends to A.
      expect(v.epochs[1]!.incentive[3], v.name).toBe(65535);
      expect(d(1, 1), v.name).toBeLessThan(d(0, 1));
      expect(d(1, 2), v.name).toBeLessThan(d(0, 2));
      expect(d(1, 0), v.name).toBeGreaterThan(d(0, 0));
      // Epoch 21: C alone moves back to the re-registered S1; incentive stays on S2 and only C loses.
      expect(v.epochs[21]!.incentive[4], v.name).toBe(65535);
      expect(d(21, 2), v.name).toBeLessThan(d(20, 2));
      expect(d(21, 1), v.name).toBeGreaterThanOrEqual(d(20, 1));
      expect(d(21, 0), v.name).toBeGreaterThan(d(20, 0));
      // Once A follows, the incentive moves and dividends return to the stake split.
      expect(v.epochs[22]!.incentive[3], v.name).toBe(65535);
      expect(Math.abs(d(39, 2) - d(39, 1)), v.name).toBeLessThanOrEqual(1);
    }
  });

  it('winner-take-all, client-side: three validators on three close servers can leave no server with a kappa majority', () => {
    for (const servers of [2, 3]) {
      for (const v of simulate(CATALOGUE.get(`wta-client-${servers}-servers`)!()).variants) {
        const inc = v.epochs.map((o) => o.incentive.slice(3));
        expect(inc.every((x) => x.every((y) => y === 0 || y === 65535)), v.name).toBe(true);
        // The best server (the last of 3; the first of 2) wins most epochs.
        const best = servers === 2 ? 0 : 2;
        expect(inc.filter((x) => x[best] === 65535).length, `${servers} ${v.name}`).toBeGreaterThan(20);
        if (servers === 3) expect(inc.some((x) => x.every((y) => y === 0)), v.name).toBe(true);
      }
    }
  });

  it('winner-take-all, server-side: every epoch pays one server in full, as the f64 engine agrees; without the flag the same weights split it', () => {
    for (const servers of [2, 3]) {
      const sc = CATALOGUE.get(`wta-server-${servers}-servers`)!();
      const exact = simulate(sc), float = simulate(sc, { mode: 'f64' });
      const split = simulate({ ...sc, variants: sc.variants!.map((v) => ({ ...v, winnerTakesAll: false })) });
      exact.variants.forEach((v, k) => {
        const inc = v.epochs.map((o) => o.incentive.slice(3));
        expect(inc.every((x) => x.filter((y) => y === 65535).length === 1 && x.every((y) => y === 0 || y === 65535)), v.name).toBe(true);
        expect(float.variants[k]!.epochs.map((o) => o.incentive.slice(3)), v.name).toEqual(inc);
        const shared = split.variants[k]!.epochs.map((o) => o.incentive.slice(3));
        expect(shared.some((x) => x.filter((y) => y > 0).length > 1), v.name).toBe(true);
      });
    }
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

  it('relative dividends against the honest baseline: the copier earns less than if it validated; the honest ones a little more', () => {
    const sc = CATALOGUE.get('copier-lag-2')!();
    const m = scenarioMetrics(sc, simulate(sc, { mode: 'f64' }), { mode: 'f64' });
    for (const v of m) {
      expect(v.validators[8]!.vsHonest, v.name).toBeLessThan(1);
      for (const u of [0, 1, 2, 3, 4, 5, 6, 7]) expect(v.validators[u]!.vsHonest, `${v.name} uid ${u}`).toBeGreaterThan(0.999);
      expect(v.validators[8]!.relativeDividends, v.name).toBeLessThan(0);
      expect(Object.keys(v.validators)).toHaveLength(9);
    }
    // Scenarios of explicit weights have no dishonest behaviour to replace, so no baseline.
    const plain = CATALOGUE.get('kappa-moves-first')!();
    expect(scenarioMetrics(plain, simulate(plain))[0]!.validators[0]!.vsHonest).toBeNull();
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
