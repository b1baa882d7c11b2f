import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audit, auditEpoch, auditSnapshots, hasRow, readSnapshots, rowOf, withWeights } from '../../src/audit/index.js';
import { snapshotLine } from '../../src/replay/index.js';
import { planted } from './planted.js';

/*
 * The audit's packed history (history.ts): each epoch keeps its weights and bonds packed in typed arrays; the rows
 * read back are the snapshot's, exactly, and the audit of a history is the same whether or not epochs share their
 * unchanged arrays.
 */

describe('packed audit epochs', () => {
  it('reads back every stored row of the snapshot, and whether it has a positive weight', () => {
    const p = planted({ kind: 'self-dealing' }, 7, 12);
    for (const s of p.snapshots) {
      const e = auditEpoch(s);
      for (let u = 0; u < s.input.n; u++) {
        expect(rowOf(e, u)).toEqual(s.input.weights[u]);
        expect(hasRow(e, u)).toBe(s.input.weights[u]!.some(([, v]) => v > 0));
      }
      expect(withWeights(e).weights).toEqual(s.input.weights);
      // The input's own rows are shared empty rows: the packed ones are the data.
      expect(e.input.weights.every((r) => r.length === 0)).toBe(true);
      expect(e.input.bonds.every((r) => r.length === 0)).toBe(true);
    }
  });

  it('audits a copy of the history with fresh arrays per epoch to the same report', () => {
    const p = planted({ kind: 'copier', lag: 1 }, 11, 40);
    const fresh = p.snapshots.map((s) => structuredClone(s));
    const a = auditSnapshots(p.snapshots, { price: true });
    const b = auditSnapshots(fresh, { price: true });
    expect(b).toEqual(a);
    expect(a.findings.map((f) => f.kind)).toEqual(['copier']);
  }, 60_000);

  it('reads a JSON Lines history in block order, decoding it line by line, to the audit of the snapshots', () => {
    const p = planted({ kind: 'cartel', share: 0.2 }, 5, 30);
    const dir = mkdtempSync(join(tmpdir(), 'yumaval-audit-jsonl-'));
    try {
      const file = join(dir, 'h.jsonl');
      // Lines in reverse block order, with a blank line: the reader sorts them.
      writeFileSync(file, `${[...p.snapshots].reverse().map((x) => snapshotLine(`0x${'ab'.repeat(32)}`, x)).join('\n')}\n\n`);
      expect(readSnapshots({ kind: 'jsonl', file }).map((x) => x.block)).toEqual(p.snapshots.map((x) => x.block));
      const fromFile = audit({ kind: 'jsonl', file }, { price: false });
      expect(fromFile).toEqual(auditSnapshots(p.snapshots, { price: false }));
      expect(fromFile.findings.map((f) => f.kind)).toEqual(['cartel']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
