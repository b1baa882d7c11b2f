import { P, PARAM_SLOTS } from '../wasm/index.js';
import type { NormalizedEpochInput, SparseRow } from './types.js';
import { effectiveActivityCutoff, validateEpochInput } from './validate.js';
import type { NormalizedScalars } from './validate.js';

const U64_MAX = (1n << 64n) - 1n;

/** A sparse matrix in CSR form with the stored u16 columns and values. */
export interface CsrU16 {
  readonly ptr: Int32Array;
  readonly col: Uint16Array;
  readonly val: Uint16Array;
}

/**
 * An EpochInput validated and converted once into the typed arrays the engine reads. Repeated runs of the same
 * subnet (benchmarks, parameter sweeps) pass this to `runEpoch` and skip validation and conversion.
 */
export class PreparedEpoch {
  /** The scalar parameters in the engine's parameter-block layout; pointer slots are filled per run. */
  readonly params: BigInt64Array;

  constructor(
    readonly n: number,
    scalars: BigInt64Array,
    readonly stake: BigUint64Array,
    readonly lastUpdate: BigUint64Array,
    readonly registration: BigUint64Array,
    readonly permit: Uint8Array,
    readonly commitBlock: BigUint64Array,
    readonly weights: CsrU16,
    readonly bonds: CsrU16,
  ) {
    this.params = scalars;
  }
}

function toCsr(rows: SparseRow[]): CsrU16 {
  const ptr = new Int32Array(rows.length + 1);
  let nnz = 0;
  for (let i = 0; i < rows.length; i++) {
    nnz += (rows[i] as SparseRow).length;
    ptr[i + 1] = nnz;
  }
  const col = new Uint16Array(nnz);
  const val = new Uint16Array(nnz);
  let k = 0;
  for (const row of rows) {
    for (const [j, v] of row) {
      col[k] = j;
      val[k++] = v;
    }
  }
  return { ptr, col, val };
}

/** The scalar parameters of the engine's parameter block (pointer slots are filled per run). */
export function scalarBlock(n: number, block: bigint, h: NormalizedScalars): BigInt64Array {
  const s = new BigInt64Array(PARAM_SLOTS);
  s[P.N] = BigInt(n);
  s[P.BLOCK] = BigInt.asIntN(64, block);
  s[P.ACTIVITY_CUTOFF] = BigInt.asIntN(64, effectiveActivityCutoff(h));
  s[P.STAKE_THRESHOLD] = BigInt.asIntN(64, h.stakeThreshold);
  s[P.OWNER] = BigInt(h.ownerUid ?? -1);
  s[P.MAX_VALIDATORS] = BigInt(h.maxAllowedValidators);
  s[P.KAPPA] = BigInt(h.kappa);
  s[P.BONDS_PENALTY] = BigInt(h.bondsPenalty);
  s[P.BONDS_MOVING_AVERAGE] = BigInt(h.bondsMovingAverage);
  s[P.YUMA3] = h.yuma3 ? 1n : 0n;
  s[P.LIQUID_ALPHA] = h.liquidAlpha ? 1n : 0n;
  s[P.ALPHA_LOW] = BigInt(h.alphaLow);
  s[P.ALPHA_HIGH] = BigInt(h.alphaHigh);
  s[P.ALPHA_STEEPNESS] = BigInt(h.alphaSigmoidSteepness);
  s[P.LAST_STEP_BLOCK] = BigInt.asIntN(64, h.lastMechanismStepBlock);
  s[P.COMMIT_REVEAL] = h.commitRevealEnabled ? 1n : 0n;
  s[P.RAO_EMISSION] = BigInt.asIntN(64, h.raoEmission);
  s[P.TEMPO] = BigInt(h.tempo);
  s[P.WINNER_TAKES_ALL] = h.winnerTakesAll ? 1n : 0n;
  return s;
}

/** Converts a normalized input into the prepared form. */
export function prepareNormalized(input: NormalizedEpochInput): PreparedEpoch {
  const n = input.n;
  return new PreparedEpoch(
    n,
    scalarBlock(n, input.block, input),
    BigUint64Array.from(input.stake),
    BigUint64Array.from(input.lastUpdate),
    BigUint64Array.from(input.blockAtRegistration),
    Uint8Array.from(input.validatorPermit, (b) => (b ? 1 : 0)),
    BigUint64Array.from(input.commitBlock, (b) => b ?? U64_MAX),
    toCsr(input.weights),
    toCsr(input.bonds),
  );
}

/** Validates an EpochInput and converts it once into the engine's typed arrays. */
export function prepareEpoch(input: unknown): PreparedEpoch {
  return prepareNormalized(validateEpochInput(input));
}
