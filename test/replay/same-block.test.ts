import { describe, expect, it } from 'vitest';
import type { BlockEvent } from '../../src/chain/index.js';
import { initializationReveals } from '../../src/replay/index.js';

const ev = (phase: BlockEvent['phase'], method: string, data: string[], section = 'subtensorModule'): BlockEvent => ({ phase, section, method, data });

describe('initializationReveals', () => {
  it('takes the WeightsSet events of on_initialize for the subnet, and sets apart the uids an extrinsic set again', () => {
    const events = [
      ev('initialization', 'WeightsSet', ['3', '4']),
      ev('initialization', 'WeightsSet', ['3', '1']),
      ev('initialization', 'WeightsSet', ['5', '2']), // another subnet
      ev('initialization', 'CRV3WeightsRevealed', ['3', '5Grw...']),
      ev('extrinsic', 'ExtrinsicSuccess', [], 'system'),
      ev('extrinsic', 'WeightsSet', ['3', '1']), // set again after the epoch
      ev('extrinsic', 'WeightsSet', ['3', '7']), // only after the epoch: not the epoch's
      ev('finalization', 'WeightsSet', ['3', '9']),
    ];
    expect(initializationReveals(events, 3)).toEqual({ revealed: [4], overwritten: [1] });
    expect(initializationReveals(events, 5)).toEqual({ revealed: [2], overwritten: [] });
    expect(initializationReveals([], 3)).toEqual({ revealed: [], overwritten: [] });
  });
});
