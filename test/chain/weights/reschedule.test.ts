import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './helpers.js';

/*
 * Done means 1: a rate-limited set is rescheduled and lands at the first allowed block (LastUpdate +
 * WeightsSetRateLimit), on a devnet that produces blocks on its own every 150 ms, as a real chain does.
 */

const RATE = 4;
const config = {
  subnets: [
    { netuid: 1, tempo: 360, weightsSetRateLimit: RATE, minAllowedWeights: 1, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] },
    { netuid: 2, tempo: 360, commitRevealEnabled: true, weightsSetRateLimit: RATE, minAllowedWeights: 1, neurons: [{ hotkey: '//Alice', stake: '1000', permit: true }, { hotkey: '//Bob' }] },
  ],
};

let h: Harness;
beforeAll(async () => {
  h = await startHarness(config, 150);
}, 30_000);
afterAll(async () => {
  await h?.close();
});

describe('rate limit', () => {
  it('reschedules a too-early set_weights for LastUpdate + WeightsSetRateLimit and lands it exactly there', async () => {
    const lines: string[] = [];
    const p = h.pipeline(h.keys.alice, { log: (l) => lines.push(l) });
    const first = await p.setWeights({ netuid: 1, uids: [0, 1], values: [65535, 1] });
    const last = first.intent.blockNumber!;
    const second = await p.setWeights({ netuid: 1, uids: [0, 1], values: [1, 65535] });
    expect(second.intent.notBefore).toBe(last + RATE);
    expect(second.intent.blockNumber).toBe(last + RATE);
    expect(second.intent.attempts).toBe(1);
    expect(lines.some((l) => l.includes(`SettingWeightsTooFast`) && l.includes(`rescheduled for block ${last + RATE}`))).toBe(true);
  });

  it('reschedules a too-early commit the same way (CommittingWeightsTooFast)', async () => {
    const p = h.pipeline(h.keys.alice);
    const first = await p.commitWeights({ netuid: 2, uids: [0, 1], values: [65535, 1] });
    const second = await p.commitWeights({ netuid: 2, uids: [0, 1], values: [1, 65535] });
    expect(second.intent.blockNumber).toBe(first.intent.blockNumber! + RATE);
  });
});
