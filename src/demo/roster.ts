import type { ProfileName, ProfileOptions } from '../task/index.js';
import type { FeatureAnswer } from './feature-miner.js';

/*
 * Who takes part in the demo subnet: the miners (reference axons of every profile, a sybil group of three under one
 * coldkey, and one miner owned by the self-dealing validator's coldkey) and the four validators. Dev URIs only: the
 * demo runs on a loopback devnet and its keys are the well-known dev derivations.
 */

/** One miner of the demo. */
export interface DemoMiner {
  /** Its name in the panel and the report. */
  label: string;
  /** Its next-token profile; null: it serves only the second task. */
  profile: ProfileName | null;
  options: ProfileOptions;
  /** How it answers the second task (feature-class); null: it does not serve it (a request gets 404). */
  feature: FeatureAnswer | null;
  hotkey: string;
  coldkey: string;
  /**
   * What it is worth, for the rank correlation: the mean over the two tasks (half the steps each) of the fidelity of
   * what it answers (0 for noise, every failure and a task it does not serve).
   */
  quality: number;
  /** A failure profile: every honest validator must give it 0. */
  failure: boolean;
}

/** The validators' roles. */
export type ValidatorRole = 'honest' | 'copier' | 'self-dealer';

/** One validator of the demo. */
export interface DemoValidator {
  label: string;
  role: ValidatorRole;
  hotkey: string;
  coldkey: string;
  /** Stake in TAO. */
  stakeTao: number;
}

/** The self-dealer's coldkey, which also owns the miner it boosts. */
export const SELF_DEALER_COLDKEY = '//DealerCold';

/**
 * The validators: two honest ones with different stakes, and a copier and a self-dealer with the second honest one's
 * stake, so their dividends per stake compare with an honest validator of the same stake.
 */
export const DEMO_VALIDATORS: ReadonlyArray<DemoValidator> = Object.freeze([
  { label: 'honest-A', role: 'honest', hotkey: '//HonestA', coldkey: '//HonestA', stakeTao: 3000 },
  { label: 'honest-B', role: 'honest', hotkey: '//HonestB', coldkey: '//HonestB', stakeTao: 2000 },
  { label: 'copier-V', role: 'copier', hotkey: '//CopierV', coldkey: '//CopierV', stakeTao: 2000 },
  { label: 'dealer-V', role: 'self-dealer', hotkey: '//DealerV', coldkey: SELF_DEALER_COLDKEY, stakeTao: 2000 },
] as const);

const FAILURES: ReadonlyArray<ProfileName> = ['slow', 'error500', 'malformed', 'nan', 'oversized', 'wrong-shape'];

/** The share of steps each task gets in the honest validators' mix (docs/demo.md). */
export const DEMO_TASK_MIX = Object.freeze([
  Object.freeze({ name: 'next-token' as const, weight: 1 }),
  Object.freeze({ name: 'feature-class' as const, weight: 1 }),
]);

const oracle = (fidelity: number): FeatureAnswer => ({ kind: 'oracle', fidelity });

/** The miners; `queryTimeoutSeconds` sets the slow one's delay (well past the deadline). */
export function demoMiners(queryTimeoutSeconds: number): DemoMiner[] {
  const m = (label: string, profile: ProfileName | null, quality: number, options: ProfileOptions = {}, coldkey?: string, feature: FeatureAnswer | null = null): DemoMiner => {
    // Dev URIs are alphanumeric: the label without its punctuation.
    const hotkey = `//Miner${label.replace(/[^A-Za-z0-9]/g, '')}`;
    return { label, profile, options, feature, hotkey, coldkey: coldkey ?? hotkey, quality, failure: profile !== null && FAILURES.includes(profile) };
  };
  return [
    // The oracles know both worlds (the Markov source and the class prototypes) with the same fidelity.
    m('oracle-0.9', 'oracle-0.9', 0.9, {}, undefined, oracle(0.9)),
    m('oracle-0.6', 'oracle-0.6', 0.6, {}, undefined, oracle(0.6)),
    m('oracle-0.3', 'oracle-0.3', 0.3, {}, undefined, oracle(0.3)),
    m('noise', 'noise', 0, { seed: 3 }, undefined, { kind: 'noise', seed: 3 }),
    m('noise-2', 'noise', 0, { seed: 5 }, undefined, { kind: 'noise', seed: 5 }),
    // Returns oracle-0.9's answers: the same information, nothing added.
    m('copier', 'copier', 0.9, { copyOf: 'oracle-0.9' }, undefined, oracle(0.9)),
    // Three perturbed copies of oracle-0.6 under one owner (exact copies of it on the second task).
    ...[0, 1, 2].map((member) => m(`sybil-${member}`, 'sybil', 0.6, { member, seed: 9 }, '//SybilOwner', oracle(0.6))),
    // Noise, owned by the self-dealing validator's coldkey: what it earns beyond noise is the self-dealing.
    m('dealer-miner', 'noise', 0, { seed: 7 }, SELF_DEALER_COLDKEY, { kind: 'noise', seed: 7 }),
    // Miners of the second task only: an image-like classifier that knows its world well, one that knows it a little.
    m('vision-0.9', null, 0.45, {}, undefined, oracle(0.9)),
    m('vision-0.5', null, 0.25, {}, undefined, oracle(0.5)),
    m('slow', 'slow', 0, { delayMs: Math.round(4 * queryTimeoutSeconds * 1000) }),
    m('error500', 'error500', 0),
    m('malformed', 'malformed', 0),
    m('nan', 'nan', 0),
    // Over the dendrite's 1 MiB cap without streaming the default 64 MiB.
    m('oversized', 'oversized', 0, { oversizedBytes: 2 * 1024 * 1024 }),
    m('wrong-shape', 'wrong-shape', 0),
  ];
}
