// A synthetic subnet as the metagraph sync sees it, for the "synced metagraph to EpochOutput" tasks of the epoch
// suite: its Weights and Bonds rows SCALE-encoded as storage holds them (Vec<(u16, u16)>), and the Metagraph the sync
// builds from them, both as it does now (fastPairsCsr: CSR arrays, rows built on first read) and as it did before
// (a `[uid, u16]` pair per entry, fastPairs).
import type { Hyperparams, Metagraph } from '../../src/chain/index.js';
import { fastPairs, fastPairsCsr } from '../../src/chain/scale-decode.js';
import { withLazyRows } from '../../src/yuma/index.js';
import type { EpochInput, SparseRow } from '../../src/yuma/index.js';

/** One stored row: SCALE compact length, then (u16, u16) little endian per entry, as hex. */
function encodeRow(row: SparseRow): string {
  const len = row.length;
  const prefix = len < 1 << 6 ? [len << 2] : len < 1 << 14 ? [((len << 2) | 1) & 255, (len << 2) >> 8] : [((len << 2) | 2) & 255, (len >> 6) & 255, (len >> 14) & 255, (len >> 22) & 255];
  const b = Buffer.alloc(prefix.length + 4 * len);
  b.set(prefix);
  row.forEach(([j, v], k) => { b.writeUInt16LE(j, prefix.length + 4 * k); b.writeUInt16LE(v, prefix.length + 4 * k + 2); });
  return `0x${b.toString('hex')}`;
}

/** The non-empty rows of a matrix as storage holds them: [uid, SCALE hex]. */
export function storedRows(rows: SparseRow[]): Array<[number, string]> {
  return rows.flatMap((r, uid) => (r.length === 0 ? [] : [[uid, encodeRow(r)] as [number, string]]));
}

/** The stored rows of an input's weights and bonds. */
export interface StoredMatrices { weights: Array<[number, string]>; bonds: Array<[number, string]> }

/**
 * The Metagraph a sync returns for this input's state, its matrices decoded from the stored rows: `csr` as the sync
 * does now, else one pair per entry as before. metagraphToEpochInput of it gives back `input`'s epoch (the
 * hyperparameters the input leaves out are listed as defaulted).
 */
export function syncedMetagraph(input: EpochInput, stored: StoredMatrices, csr: boolean): Metagraph {
  const n = input.n;
  const blank = <T>(v: T): T[] => new Array<T>(n).fill(v);
  const hyperparams: Hyperparams = {
    netuid: 1, tempo: input.tempo ?? 360, kappa: 32767, weightsSetRateLimit: 100n, minAllowedWeights: 1, maxWeightsLimit: 65535, weightsVersionKey: 0n,
    commitRevealEnabled: false, revealPeriodEpochs: 1n, bondsMovingAverage: 900000n, bondsPenalty: 65535, liquidAlpha: input.liquidAlpha ?? false,
    alphaLow: 45875, alphaHigh: 58982, yuma3: input.yuma3 ?? false, activityCutoff: 5000, maxAllowedValidators: input.maxAllowedValidators ?? 64,
    defaulted: ['kappa', 'bondsMovingAverage', 'bondsPenalty', 'alphaLow', 'activityCutoff', 'commitRevealEnabled'],
  };
  const rows = (s: Array<[number, string]>): SparseRow[] => {
    const out: SparseRow[] = Array.from({ length: n }, () => []);
    for (const [uid, hex] of s) out[uid] = fastPairs(hex);
    return out;
  };
  const m: Metagraph = {
    netuid: 1, block: input.block - 1, blockHash: `0x${'00'.repeat(32)}`, n, hotkeys: blank(''), coldkeys: blank(''),
    stake: input.stake.map((s) => BigInt(s)), axons: blank(null), validatorPermit: [...input.validatorPermit], lastUpdate: [...input.lastUpdate],
    blockAtRegistration: [...input.blockAtRegistration], active: blank(true), weights: csr ? [] : rows(stored.weights), bonds: csr ? [] : rows(stored.bonds),
    consensus: blank(0), incentive: blank(0), dividends: blank(0), validatorTrust: blank(0), emission: blank(0n), hyperparams,
    stakeSource: 'TotalHotkeyAlpha', stakeThreshold: 0n, ownerHotkey: null, ownerUid: null, lastMechanismStepBlock: 0, commitBlocks: blank([]),
  };
  return csr ? withLazyRows(m, { weights: fastPairsCsr(stored.weights, n), bonds: fastPairsCsr(stored.bonds, n) }) : m;
}
