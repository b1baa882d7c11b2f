import { readFileSync } from 'node:fs';
import { expandMetadata, Metadata, TypeRegistry } from '@polkadot/types';
import { describe, expect, it } from 'vitest';

/*
 * What devnet must serve for timelocked commits, read from the recorded mainnet metadata of specs 343 (V14) and 424
 * (V16) in data/chain/ (copied from ../shared/chain/, whose README says where each was published). These facts drive
 * the devnet work of issue 21 (served runtime per subnet or flag, pallet_drand, the reveal) and the reveal-round hook
 * (src/timelock/reveal-round.ts): spec 424 schedules epochs from storage, spec 343 by the block formula.
 */

function load(spec: string): { registry: TypeRegistry; d: ReturnType<typeof expandMetadata> } {
  const hex = readFileSync(new URL(`../../../data/chain/subtensor-finney-spec${spec}.metadata.hex`, import.meta.url), 'utf8').trim();
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, (hex.startsWith('0x') ? hex : `0x${hex}`) as `0x${string}`);
  registry.setMetadata(metadata, undefined, {
    SubtensorTransactionExtension: { extrinsic: {}, payload: {} },
    DrandPriority: { extrinsic: {}, payload: {} },
  });
  return { registry, d: expandMetadata(registry, metadata) };
}

/* eslint-disable @typescript-eslint/no-explicit-any -- the decorated metadata is indexed by runtime names */
describe.each(['343', '424'])('spec %s', (spec) => {
  const { registry, d } = load(spec);
  const tx = d.tx as any;
  const query = d.query as any;

  it('commit_timelocked_weights is 7/113 and the mechanism variant 7/118, with the version argument; commit_crv3_weights is gone', () => {
    const c = tx.subtensorModule.commitTimelockedWeights;
    expect(Array.from(c.callIndex as Uint8Array)).toEqual([7, 113]);
    expect(c.meta.args.map((a: any) => `${a.name}:${a.type}`)).toEqual(['netuid:u16', 'commit:Bytes', 'revealRound:u64', 'commitRevealVersion:u16']);
    expect(Array.from(tx.subtensorModule.commitTimelockedMechanismWeights.callIndex as Uint8Array)).toEqual([7, 118]);
    expect(tx.subtensorModule.commitCrv3Weights).toBeUndefined();
  });

  it('CommitRevealWeightsVersion defaults to 4 (read it, never hardcode it)', () => {
    const item = query.subtensorModule.commitRevealWeightsVersion;
    expect(registry.createType('u16', item.meta.fallback.toU8a(true)).toNumber()).toBe(4);
  });

  it('TimelockedWeightCommits holds (who, commit_block, ciphertext, reveal_round) per (netuid index, epoch)', () => {
    const m = query.subtensorModule.timelockedWeightCommits.meta.type.asMap;
    expect(m.hashers.map((h: any) => h.toString())).toEqual(['Twox64Concat', 'Twox64Concat']);
    expect(registry.lookup.getTypeDef(m.value).type).toBe('Vec<(AccountId32,u64,Bytes,u64)>');
  });

  it('pallet Drand stores Pulses (Blake2_128Concat round -> { round, randomness, signature }) and LastStoredRound', () => {
    const p = query.drand.pulses.meta.type.asMap;
    expect(p.hashers.map((h: any) => h.toString())).toEqual(['Blake2_128Concat']);
    expect(JSON.parse(registry.lookup.getTypeDef(p.value).type)).toEqual({ round: 'u64', randomness: 'Bytes', signature: 'Bytes' });
    expect(registry.lookup.getTypeDef(query.drand.lastStoredRound.meta.type.asPlain).type).toBe('u64');
  });

  it('every error devnet\'s timelocked commit raises (src/devnet/subtensor/timelock-commit.ts) is one of this runtime\'s', () => {
    const src = readFileSync(new URL('../../../src/devnet/subtensor/timelock-commit.ts', import.meta.url), 'utf8');
    const names = [...src.matchAll(/fail\('(\w+)'\)/g)].map((m) => m[1] as string);
    expect(names.length).toBeGreaterThanOrEqual(6);
    const errors = (d.errors as any).subtensorModule;
    expect(names.filter((n) => errors[n] === undefined)).toEqual([]);
  });

  it('the events TimelockedWeightsCommitted and TimelockedWeightsRevealed exist', () => {
    const ev = (d.events as any).subtensorModule;
    expect(ev.TimelockedWeightsCommitted).toBeDefined();
    expect(ev.TimelockedWeightsRevealed).toBeDefined();
  });

  it(`epoch scheduling: ${spec === '424' ? 'from storage (LastEpochBlock, SubnetEpochIndex, PendingEpochAt)' : 'by the block formula (no LastEpochBlock)'}`, () => {
    const stored = ['lastEpochBlock', 'subnetEpochIndex', 'pendingEpochAt'].map((k) => query.subtensorModule[k] !== undefined);
    expect(stored).toEqual(spec === '424' ? [true, true, true] : [false, false, false]);
  });
});
