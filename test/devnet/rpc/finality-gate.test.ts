import { describe, expect, it, vi } from 'vitest';
import { FinalityGate } from '../../../src/devnet/rpc/finality-gate.js';
import type { Hex } from '../../../src/devnet/storage-codec.js';

// The hold of a watch's finalized: released after the events read and a ping's pong, or after the maximum hold.

const A = `0x${'aa'.repeat(32)}` as Hex;
const B = `0x${'bb'.repeat(32)}` as Hex;

describe('FinalityGate', () => {
  it('releases after the events read, once the ping sent then is answered', () => {
    vi.useFakeTimers();
    try {
      const pings: number[] = [];
      const gate = new FinalityGate(1000, () => pings.push(1));
      const released: string[] = [];
      gate.hold(A, () => released.push('a1'));
      gate.hold(A, () => released.push('a2'));
      gate.hold(B, () => released.push('b'));
      gate.opened(A);
      expect(pings).toHaveLength(1);
      vi.advanceTimersByTime(100);
      expect(released).toEqual([]);
      gate.opened(B);
      gate.pong(); // answers the first ping: A only
      vi.advanceTimersByTime(10);
      expect(released).toEqual(['a1', 'a2']);
      gate.pong();
      vi.advanceTimersByTime(10);
      expect(released).toEqual(['a1', 'a2', 'b']);
      vi.advanceTimersByTime(2000); // the maximum holds were cleared: nothing twice
      expect(released).toEqual(['a1', 'a2', 'b']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('releases after the maximum hold for a client that never reads; at once after a read, or with no hold', () => {
    vi.useFakeTimers();
    try {
      const gate = new FinalityGate(250, () => {});
      const released: string[] = [];
      gate.hold(A, () => released.push('late'));
      vi.advanceTimersByTime(249);
      expect(released).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(released).toEqual(['late']);
      gate.opened(B);
      gate.hold(B, () => released.push('read before'));
      expect(released).toEqual(['late', 'read before']);
      new FinalityGate(0, () => {}).hold(A, () => released.push('no hold'));
      expect(released).toEqual(['late', 'read before', 'no hold']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops every hold when the connection ends', () => {
    vi.useFakeTimers();
    try {
      const gate = new FinalityGate(100, () => {});
      const released: string[] = [];
      gate.hold(A, () => released.push('a'));
      gate.hold(B, () => released.push('b'));
      gate.opened(B);
      gate.clear();
      gate.pong();
      vi.advanceTimersByTime(1000);
      expect(released).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });
});
