import { describe, expect, it } from 'vitest';
import type { Metagraph } from '../../src/chain/index.js';
import { LiveView, resolveDemoOptions, scriptedRow, type DemoState, type EpochRecord } from '../../src/demo/index.js';
import { InvalidOptionError } from '../../src/errors/index.js';

/* The demo's pure parts: the scripted validators' rows, the options, the live view's two modes. */

const meta = (consensus: number[]): Metagraph => ({ n: consensus.length, consensus } as unknown as Metagraph);

describe('scriptedRow', () => {
  it('the copier weighs each uid by the chain\'s consensus, never itself, never a zero', () => {
    expect(scriptedRow('copier', meta([100, 0, 300, 600]), 0, null)).toEqual({ uids: [2, 3], weights: [300, 600] });
    expect(scriptedRow('copier', meta([0, 0, 0]), 1, null)).toBeNull();
  });
  it('the self-dealer adds as much weight again to its own miner (half its row)', () => {
    const r = scriptedRow('self-dealer', meta([0, 100, 300, 600]), 0, 1)!;
    expect(r).toEqual({ uids: [1, 2, 3], weights: [1100, 300, 600] });
    const total = r.weights.reduce((a, b) => a + b, 0);
    expect((r.weights[0]! - 100) / total).toBe(0.5);
    // Before any consensus: only its own miner.
    expect(scriptedRow('self-dealer', meta([0, 0, 0]), 0, 2)).toEqual({ uids: [2], weights: [1] });
  });
});

describe('resolveDemoOptions', () => {
  it('fills the defaults and names a bad or unknown key', () => {
    expect(resolveDemoOptions({}).epochs).toBe(24);
    expect(() => resolveDemoOptions({ epochs: 0 })).toThrow(InvalidOptionError);
    expect(() => resolveDemoOptions({ epochs: 0 })).toThrow(/epochs/);
    expect(() => resolveDemoOptions({ epoch: 3 } as never)).toThrow(/epoch.*did you mean epochs/);
  });
});

describe('LiveView', () => {
  const state: DemoState = {
    block: 40, epoch: 3, epochs: 10, top: [{ label: 'oracle-0.9', uid: 4, incentive: 6553, quality: 0.9 }],
    validators: [{ label: 'honest-A', role: 'honest', uid: 0, stakeTao: 3000, lastStep: '#4 next-token 18/18 in 2.0 s', landed: 2, vtrustPredicted: 65535, vtrustActual: 32768, lastError: null }],
  };
  const record = { block: 36, vtrust: [32768] } as unknown as EpochRecord;
  const sink = (isTTY: boolean): { out: NodeJS.WritableStream & { isTTY: boolean }; text: () => string } => {
    let text = '';
    return { out: { isTTY, write: (s: string) => { text += s; return true; } } as unknown as NodeJS.WritableStream & { isTTY: boolean }, text: () => text };
  };

  it('off a terminal: one plain line per epoch, nothing per head, no escape sequence', () => {
    const s = sink(false);
    const v = new LiveView(s.out, 'demo');
    v.update(state, null);
    v.update(state, record);
    v.update(state, record);
    v.close();
    const lines = s.text().trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('epoch 3/10 block 36: honest-A vtrust 0.500; top oracle-0.9 10.0%');
    expect(s.text()).not.toContain('\x1b');
  });

  it('on a terminal: one panel, redrawn in place over its previous lines', async () => {
    const s = sink(true);
    const v = new LiveView(s.out, 'demo');
    v.update(state, null);
    const first = s.text();
    const height = first.trimEnd().split('\n').length;
    expect(first).toContain('block 40   epoch 3/10');
    expect(first).toMatch(/honest-A\s+honest\s+0\s+2\s+100\.0%\s+50\.0%/);
    v.update({ ...state, block: 41 }, null);
    await new Promise((r) => setTimeout(r, 300));
    v.close();
    const second = s.text().slice(first.length);
    // Cursor up over the whole previous panel, erase below, the new panel.
    expect(second.startsWith(`\x1b[${height}F\x1b[0J`)).toBe(true);
    expect(second).toContain('block 41');
    expect(height).toBeLessThanOrEqual(30);
  });
});
