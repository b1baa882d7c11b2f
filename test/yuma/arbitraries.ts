import fc from 'fast-check';
import type { EpochInput, SparseRow, U64Like } from '../../src/index.js';

/*
 * fast-check generators of EpochInputs for the differential tests (wasm engine against the BigInt reference).
 *
 * `subnetArb` aims at the edges where a fixed-point engine goes wrong, not at realistic subnets: block numbers are
 * drawn from a small pool of boundary values (the activity cutoff, the last tempo, registration blocks) so that the
 * `<` / `<=` comparisons of the masks hit equality often; stakes come in regimes (ties, > 2^53, near 2^63 with
 * wrapping sums, zeros); rows are sparse or dense, sorted or not, with explicit zeros and self-weights; and every
 * hyperparameter has its extreme values. `wellConditionedArb` is the opposite: subnets where the f64 engine is
 * expected to track the exact one.
 */

const U64_MAX = (1n << 64n) - 1n;
const TWO53 = 1n << 53n;
const TWO63 = 1n << 63n;

/** A u64 as the contract accepts it: a number when exact, else (or at random) a decimal string. */
function u64Json(value: bigint, asString: boolean): U64Like {
  return asString || value > BigInt(Number.MAX_SAFE_INTEGER) ? value.toString() : Number(value);
}

const u64Like = (value: fc.Arbitrary<bigint>): fc.Arbitrary<U64Like> =>
  fc.tuple(value, fc.boolean()).map(([v, s]) => u64Json(v, s));

/** Stake regimes: one per case, so that a case with huge stakes is not always drowned in small ones. */
type StakeRegime = 'small' | 'tao' | 'ties' | 'big' | 'huge' | 'mixed';

function stakeValueArb(regime: StakeRegime, tiePool: readonly bigint[]): fc.Arbitrary<bigint> {
  const small = fc.bigInt(0n, 1_000_000n);
  const tao = fc.bigInt(0n, 10n ** 15n);
  const ties = fc.constantFrom(...tiePool);
  const big = fc.bigInt(TWO53, 1n << 62n);
  // Near and above 2^63: the I64F64 conversion saturates at 2^63 - 1 and the 128-bit sum wraps.
  const huge = fc.oneof(fc.bigInt(TWO63 - 1000n, TWO63 + 1000n), fc.bigInt(TWO63, U64_MAX), fc.constant(U64_MAX));
  const byRegime: Record<StakeRegime, fc.Arbitrary<bigint>> = {
    small,
    tao,
    ties,
    big,
    huge,
    mixed: fc.oneof(small, tao, ties, big, huge),
  };
  return fc.oneof({ weight: 1, arbitrary: fc.constant(0n) }, { weight: 6, arbitrary: byRegime[regime] });
}

/** Row values: explicit zeros, the max-upscaled 65535, tiny values and anything in between. */
const u16ValueArb = fc.oneof(
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 2, arbitrary: fc.constant(65535) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 65535 }) },
);

/** Relative weights of empty, sparse (1..6 entries) and dense (≥ n/2 entries) rows. */
interface RowMix {
  empty: number;
  sparse: number;
  dense: number;
}

/**
 * One stored row of uid `i`: empty, sparse or dense columns in a random order (or sorted), with an optional
 * self-entry (i, i) inserted at a random position.
 */
function rowArb(i: number, n: number, mix: RowMix): fc.Arbitrary<SparseRow> {
  const uids = Array.from({ length: n }, (_, j) => j);
  const cols = fc.oneof(
    { weight: mix.empty, arbitrary: fc.constant<number[]>([]) },
    { weight: mix.sparse, arbitrary: fc.shuffledSubarray(uids, { minLength: 1, maxLength: Math.min(n, 6) }) },
    { weight: mix.dense, arbitrary: fc.shuffledSubarray(uids, { minLength: Math.ceil(n / 2), maxLength: n }) },
  );
  return fc
    .tuple(cols, fc.boolean(), fc.boolean(), fc.nat())
    .chain(([c, sorted, self, at]) => {
      let columns = c.slice();
      if (self && columns.length > 0 && !columns.includes(i)) columns.splice(at % (columns.length + 1), 0, i);
      if (sorted) columns = columns.sort((a, b) => a - b);
      return fc
        .array(u16ValueArb, { minLength: columns.length, maxLength: columns.length })
        .map((values) => columns.map((j, k): [number, number] => [j, values[k] as number]));
    });
}

/** Absent (the default applies) one time in three, else drawn from `arb` (fc.option's freq is 1/P(nil)). */
const optional = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined, freq: 3 });

/** Integers in [lo, hi] for any safe integers (fc.integer is limited to 32 bits). */
const between = (lo: number, hi: number): fc.Arbitrary<number> => fc.bigInt(BigInt(lo), BigInt(Math.max(lo, hi))).map(Number);

/**
 * Added to every block number of a case (the comparisons only see differences): small chains, today's ~7M blocks,
 * just below 2^32 (a 32-bit block field would wrap) and near 2^53 (the largest exact JSON number).
 */
const BLOCK_BASES = [0, 7_000_000, 2 ** 32 - 100, 2 ** 53 - 2 ** 21];

/** The scalar part of a case: everything that does not depend on per-uid data. */
interface Scalars {
  n: number;
  block: number;
  tempo: number | undefined;
  activityCutoffFactorMilli: number | undefined;
  activityCutoff: number | undefined;
  lastMechanismStepBlock: number | undefined;
  regime: StakeRegime;
  /** Mostly dense rows: a column then gets weight from a stake majority, so consensus is non-zero more often. */
  denseRows: boolean;
  tiePool: bigint[];
  kappa: number | undefined;
  bondsPenalty: number | undefined;
  bondsMovingAverage: number | undefined;
  yuma3: boolean;
  liquidAlpha: boolean;
  alphas: [number, number] | undefined;
  alphaSigmoidSteepness: number | undefined;
  raoEmission: U64Like | undefined;
  commitRevealEnabled: boolean | undefined;
  /** Simulation-only: rarely drawn, so the chain paths keep most of the runs. */
  winnerTakesAll: boolean | undefined;
}

function scalarsArb(minN: number, maxN: number): fc.Arbitrary<Scalars> {
  const u16 = fc.integer({ min: 0, max: 65535 });
  const alphaPair = fc.oneof(
    fc.tuple(u16, u16), // either order: low > high happens half the time
    u16.map((a): [number, number] => [a, a]),
    fc.constant<[number, number]>([45875, 58982]),
  );
  return fc.record({
    n: fc.integer({ min: minN, max: maxN }),
    block: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 20_000 })),
    blockBase: fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 2, arbitrary: fc.constantFrom(...BLOCK_BASES) }),
    tempo: optional(fc.oneof(fc.constantFrom(0, 1, 2, 10, 360, 65535), fc.integer({ min: 0, max: 2000 }))),
    activityCutoffFactorMilli: optional(fc.oneof(fc.constantFrom(0, 1000, 13889), fc.integer({ min: 0, max: 50_000 }))),
    activityCutoff: optional(fc.oneof(fc.constantFrom(0, 1, 5000), fc.integer({ min: 0, max: 3000 }))),
    // 0 means unknown (last tempo = block - tempo); otherwise the last tempo is this block + 1.
    lastMechanismStepBlock: optional(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 20_000 }))),
    regime: fc.constantFrom<StakeRegime>('small', 'tao', 'ties', 'big', 'huge', 'mixed'),
    denseRows: fc.boolean(),
    tiePool: fc.array(fc.oneof(fc.bigInt(1n, 1000n), fc.bigInt(1n, U64_MAX)), { minLength: 1, maxLength: 3 }),
    kappa: optional(fc.oneof(fc.constantFrom(0, 1, 32767, 65535), u16)),
    bondsPenalty: optional(fc.oneof(fc.constantFrom(0, 1, 32768, 65534, 65535), u16)),
    bondsMovingAverage: optional(
      fc.oneof(fc.constantFrom(0, 1, 500_000, 900_000, 975_000, 999_999, 1_000_000), fc.integer({ min: 0, max: 1_000_000 })),
    ),
    yuma3: fc.boolean(),
    liquidAlpha: fc.boolean(),
    alphas: optional(alphaPair),
    alphaSigmoidSteepness: optional(
      fc.oneof(fc.constantFrom(-32768, -1000, -1, 0, 1, 1000, 32767), fc.integer({ min: -32768, max: 32767 })),
    ),
    raoEmission: optional(
      fc.oneof(
        fc.constant<U64Like>(0),
        fc.integer({ min: 1, max: 1000 }),
        fc.constant<U64Like>(U64_MAX.toString()),
        u64Like(fc.bigInt(0n, U64_MAX)),
      ),
    ),
    commitRevealEnabled: optional(fc.boolean()),
    winnerTakesAll: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.boolean() }),
  }).map(({ blockBase, ...s }): Scalars => ({
    ...s,
    block: blockBase + s.block,
    lastMechanismStepBlock: s.lastMechanismStepBlock ? blockBase + s.lastMechanismStepBlock : s.lastMechanismStepBlock,
  }));
}

/** The cutoff and last tempo the chain derives from the scalars (see validate.ts and the spec, §3 and §4.10a). */
function derivedBlocks(s: Scalars): { cutoff: number; lastTempo: number } {
  const tempo = s.tempo ?? 360;
  const cutoff = s.activityCutoff ?? Math.max(Math.floor(((s.activityCutoffFactorMilli ?? 13889) * tempo) / 1000), 1);
  const lmsb = s.lastMechanismStepBlock ?? 0;
  return { cutoff, lastTempo: lmsb === 0 ? Math.max(s.block - tempo, 0) : lmsb + 1 };
}

/**
 * Block values that sit on the boundaries of the epoch's comparisons. Drawing lastUpdate, blockAtRegistration and
 * commitBlock from the same small pool makes the equalities (lastUpdate + cutoff == block, lastUpdate == registration,
 * lastTempo == registration, commit == registration) frequent.
 */
function blockPool(s: Scalars): number[] {
  const { cutoff, lastTempo } = derivedBlocks(s);
  const b = s.block;
  const pool = [0, 1, b, b - 1, b + 1, b - cutoff, b - cutoff - 1, b - cutoff + 1, lastTempo - 1, lastTempo, lastTempo + 1];
  return [...new Set(pool.filter((x) => x >= 0))];
}

/** Options of `subnetArb`. */
export interface SubnetArbOptions {
  minN: number;
  maxN: number;
  /** Relative weight of dense rows (≥ n/2 entries) against 3 for empty and 4 for sparse rows in a sparse-leaning case. */
  denseWeight?: number;
  /** Allow dense-leaning cases (most rows dense); default true. */
  denseCases?: boolean;
}

/** Random EpochInputs aimed at the edge cases of the exact epoch (see the file comment). */
export function subnetArb(opts: SubnetArbOptions): fc.Arbitrary<EpochInput> {
  const denseWeight = opts.denseWeight ?? 2;
  return scalarsArb(opts.minN, opts.maxN).chain((s) => {
    const n = s.n;
    const pool = blockPool(s);
    const anyBlock = fc.oneof(between(0, s.block + 2), between(Math.max(0, s.block - 50_000), s.block + 2));
    const boundary = fc.constantFrom(...pool);
    // Most uids are live (updated in the last few blocks, registered before the last tempo) so that consensus and
    // bonds are non-trivial; the rest sit on the boundaries.
    const { lastTempo } = derivedBlocks(s);
    const recent = between(Math.max(0, s.block - 3), s.block);
    const oldest = Math.max(0, Math.min(lastTempo, s.block - 4) - 1);
    const old = fc.oneof(between(0, oldest), between(Math.max(0, oldest - 20_000), oldest));
    const blockArb = fc.oneof({ weight: 3, arbitrary: boundary }, { weight: 1, arbitrary: anyBlock });
    const lastUpdateArb = fc.oneof({ weight: 3, arbitrary: recent }, { weight: 2, arbitrary: boundary }, { weight: 1, arbitrary: anyBlock });
    const registrationArb = fc.oneof({ weight: 3, arbitrary: old }, { weight: 2, arbitrary: boundary }, { weight: 1, arbitrary: anyBlock });
    const perUid = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T[]> => fc.array(arb, { minLength: n, maxLength: n });
    const mix: RowMix =
      s.denseRows && (opts.denseCases ?? true) ? { empty: 1, sparse: 1, dense: 6 } : { empty: 3, sparse: 4, dense: denseWeight };
    const rows = (): fc.Arbitrary<SparseRow[]> =>
      n === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: n }, (_, i) => rowArb(i, n, mix)));
    return fc
      .record({
        stake: perUid(fc.tuple(stakeValueArb(s.regime, s.tiePool), fc.boolean())),
        lastUpdate: perUid(lastUpdateArb),
        blockAtRegistration: perUid(registrationArb),
        validatorPermit: perUid(fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) })),
        commitBlock: optional(perUid(fc.option(blockArb, { nil: null }))),
        weights: rows(),
        bonds: rows(),
        // Owner: absent, null, or a uid; the owner's self-weight and zero stake are forced now and then.
        owner: fc.oneof(fc.constant(undefined), fc.constant(null), fc.nat()),
        ownerSelfWeight: fc.boolean(),
        ownerZeroStake: fc.boolean(),
        // maxAllowedValidators around n, or extreme.
        maxValidators: optional(fc.oneof(fc.constantFrom(0, 1, n - 1, n, n + 1, 65535), fc.nat(n + 2))),
        // Usually no stake threshold; else one equal to some uid's stake (hitting `<` at equality), or any u64.
        threshold: fc.oneof(
          { weight: 10, arbitrary: fc.constant(undefined) },
          { weight: 2, arbitrary: fc.nat().map((k) => ({ idx: k })) },
          { weight: 1, arbitrary: fc.bigInt(0n, 1_000_000n) },
          { weight: 1, arbitrary: fc.bigInt(0n, U64_MAX) },
        ),
      })
      .map((r): EpochInput => {
        const stake = r.stake.map(([v]) => v);
        let owner: number | null | undefined = r.owner;
        if (typeof owner === 'number') owner = n === 0 ? undefined : owner % n;
        const weights = r.weights.map((row) => row.slice());
        if (typeof owner === 'number') {
          if (r.ownerZeroStake) stake[owner] = 0n;
          const ownRow = weights[owner] as SparseRow;
          if (r.ownerSelfWeight && !ownRow.some(([j]) => j === owner)) ownRow.push([owner, 65535]);
        }
        const input: EpochInput = {
          n,
          block: s.block,
          stake: stake.map((v, i) => u64Json(v, (r.stake[i] as [bigint, boolean])[1])),
          lastUpdate: r.lastUpdate,
          blockAtRegistration: r.blockAtRegistration,
          validatorPermit: r.validatorPermit,
          weights,
          bonds: r.bonds,
          yuma3: s.yuma3,
          liquidAlpha: s.liquidAlpha,
        };
        // Optional fields are only set when drawn, so defaults are exercised too.
        const set = <K extends keyof EpochInput>(key: K, value: EpochInput[K] | undefined): void => {
          if (value !== undefined) input[key] = value;
        };
        set('tempo', s.tempo);
        set('activityCutoffFactorMilli', s.activityCutoffFactorMilli);
        set('activityCutoff', s.activityCutoff);
        set('lastMechanismStepBlock', s.lastMechanismStepBlock);
        set('kappa', s.kappa);
        set('bondsPenalty', s.bondsPenalty);
        set('bondsMovingAverage', s.bondsMovingAverage);
        set('alphaLow', s.alphas?.[0]);
        set('alphaHigh', s.alphas?.[1]);
        set('alphaSigmoidSteepness', s.alphaSigmoidSteepness);
        set('raoEmission', s.raoEmission);
        set('commitRevealEnabled', s.commitRevealEnabled);
        set('winnerTakesAll', s.winnerTakesAll);
        set('commitBlock', r.commitBlock);
        set('ownerUid', owner);
        set('maxAllowedValidators', r.maxValidators === undefined ? undefined : Math.min(Math.max(r.maxValidators, 0), 65535));
        if (r.threshold !== undefined && n > 0) {
          const t = typeof r.threshold === 'bigint' ? r.threshold : (stake[r.threshold.idx % n] as bigint);
          input.stakeThreshold = u64Json(t, false);
        }
        return input;
      });
  });
}

/** Options of `wellConditionedArb`. */
export interface WellConditionedOptions {
  minN: number;
  maxN: number;
}

/**
 * Well-conditioned subnets for the f64 accuracy check: distinct positive stakes (validators 10^4 TAO plus up to 10^3,
 * miners below 10^3 TAO), validators uids 0..v-1, every one permitted, active and allowed (maxAllowedValidators = v),
 * default kappa, bonds from a previous epoch. The masks vary: some miners registered after the validators' last
 * update (their weights and bonds are masked), an owner uid, commit-reveal with commits before some registrations,
 * and the bonds penalty 0 or 1. (A penalty of 1/2 with the original bonds moves some chain bonds by 3-4 u16 units
 * from the real-number answer on such subnets, past the tolerance; both f64 engines written so far agree there.)
 *
 * The validators roughly agree: each weighs a random subset (at least half) of the uids by a shared quality vector
 * times ±15 % noise, max-upscaled to u16 as the chain stores weights. Agreement matters: when validators disagree,
 * consensus survives only on columns with a few u16 units of weight, the consensus mass is ~1e-5, and the chain's
 * own floors (on products of ~2000 raw bits) move the normalised outputs by tens of u16 units; no float engine can
 * follow that (see the recorded case in f64-accuracy.test.ts).
 */
export function wellConditionedArb(opts: WellConditionedOptions): fc.Arbitrary<EpochInput> {
  return fc
    .record({
      n: fc.integer({ min: opts.minN, max: opts.maxN }),
      yuma3: fc.boolean(),
      liquidAlpha: fc.boolean(),
      validatorShare: fc.double({ min: 0.1, max: 1, noNaN: true }),
    })
    .chain(({ n, yuma3, liquidAlpha, validatorShare }) => {
      const v = Math.max(1, Math.round(n * validatorShare));
      const uids = Array.from({ length: n }, (_, j) => j);
      const subset = fc
        .tuple(fc.shuffledSubarray(uids, { minLength: Math.ceil(n / 2), maxLength: n }), fc.boolean())
        .map(([cols, sorted]) => (sorted ? cols.slice().sort((a, b) => a - b) : cols));
      const weightRow = (quality: number[]): fc.Arbitrary<SparseRow> =>
        subset.chain((cols) =>
          fc.array(fc.double({ min: 0.85, max: 1.15, noNaN: true }), { minLength: cols.length, maxLength: cols.length }).map((noise) => {
            const raw = cols.map((j, k) => (quality[j] as number) * (noise[k] as number));
            const top = Math.max(...raw);
            return cols.map((j, k): [number, number] => [j, Math.round(((raw[k] as number) / top) * 65535)]);
          }),
        );
      const bondRow = subset.chain((cols) =>
        fc.array(fc.integer({ min: 0, max: 65535 }), { minLength: cols.length, maxLength: cols.length }).map((vals) =>
          cols.map((j, k): [number, number] => [j, vals[k] as number]),
        ),
      );
      return fc
        .record({
          // Distinct by construction; validators get 10^13 rao more than any miner, so they are the top v.
          stake: fc.uniqueArray(fc.bigInt(1_000_000_000n, 10n ** 12n), { minLength: n, maxLength: n }),
          quality: fc.array(fc.integer({ min: 50, max: 1000 }), { minLength: n, maxLength: n }),
          bonds: fc.array(bondRow, { minLength: v, maxLength: v }),
          registration: fc.array(fc.constantFrom(100, 100, 9_600, 9_950), { minLength: n, maxLength: n }),
          owner: fc.boolean(),
          commitReveal: fc.boolean(),
          commitEarly: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
          bondsPenalty: fc.constantFrom(0, 65535),
        })
        .chain((r) => fc.array(weightRow(r.quality), { minLength: v, maxLength: v }).map((weights) => ({ ...r, weights })))
        .map(
          (r): EpochInput => ({
            n,
            block: 10_000,
            tempo: 360,
            stake: r.stake.map((x, i) => (i < v ? x + 10n ** 13n : x).toString()),
            lastUpdate: uids.map((i) => (i < v ? 9_900 : 5_000)),
            // Some miners registered late: at 9 600, after a live commit (9 500) but before the last epoch (9 640),
            // or at 9 950, after the validators' weights (9 900) and the last epoch, which masks weights and bonds
            // alike. (Masking the bonds of a column but not its weights leaves a column of small deltas alone,
            // where the chain's floors are coarse; that is outside the guarantee.)
            blockAtRegistration: uids.map((j) => (j >= v ? (r.registration[j] as number) : 100)),
            validatorPermit: uids.map((i) => i < v),
            ownerUid: r.owner ? 0 : null,
            commitRevealEnabled: r.commitReveal,
            // A live commit at 9 500 drops that row's weights to the miners registered at 9 600 as well.
            commitBlock: uids.map((i) => (i < v && r.commitEarly[i] ? 9_500 : null)),
            bondsPenalty: r.bondsPenalty,
            weights: uids.map((i) => r.weights[i] ?? []),
            bonds: uids.map((i) => r.bonds[i] ?? []),
            maxAllowedValidators: v,
            yuma3,
            liquidAlpha,
          }),
        );
    });
}
