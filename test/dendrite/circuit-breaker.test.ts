import { describe, expect, it } from 'vitest';
import { CircuitBreakers } from '../../src/dendrite/circuit-breaker.js';

function setup(threshold = 3, coolDownMs = 1_000, maxEntries = 100) {
  const clock = { t: 0 };
  return { clock, b: new CircuitBreakers({ threshold, coolDownMs, maxEntries }, () => clock.t) };
}

describe('CircuitBreakers', () => {
  it('opens after threshold consecutive failures, and a success in between resets the count', () => {
    const { b } = setup(3);
    b.record('a', false, false); b.record('a', false, false);
    b.record('a', true, false);
    b.record('a', false, false); b.record('a', false, false);
    expect(b.state('a')).toBe('closed');
    expect(b.admit('a')).toEqual({ ok: true, trial: false });
    b.record('a', false, false);
    expect(b.state('a')).toBe('open');
    const r = b.admit('a');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toBe('3 consecutive failures; next trial in 1 s');
    expect(b.admit('other')).toEqual({ ok: true, trial: false });
  });

  it('lets one trial through after the cool-down; a failed trial reopens, a good one closes', () => {
    const { b, clock } = setup(2, 1_000);
    b.record('a', false, false); b.record('a', false, false);
    clock.t = 999;
    expect(b.admit('a').ok).toBe(false);
    clock.t = 1_000;
    expect(b.state('a')).toBe('half-open');
    expect(b.admit('a')).toEqual({ ok: true, trial: true });
    const second = b.admit('a');
    expect(second.ok).toBe(false);
    if (!second.ok) expect(second.reason).toMatch(/trial request is in flight/);
    b.record('a', false, true);
    expect(b.state('a')).toBe('open');
    clock.t = 1_999;
    expect(b.admit('a').ok).toBe(false);
    clock.t = 2_000;
    expect(b.admit('a')).toEqual({ ok: true, trial: true });
    b.record('a', true, true);
    expect(b.state('a')).toBe('closed');
    expect(b.size).toBe(0);
  });

  it('does not extend an open breaker with late failures of requests admitted before it opened', () => {
    const { b, clock } = setup(1, 1_000);
    b.record('a', false, false);
    clock.t = 500;
    b.record('a', false, false);
    clock.t = 1_000;
    expect(b.admit('a')).toEqual({ ok: true, trial: true });
  });

  it('keeps at most maxEntries breakers, forgetting the oldest', () => {
    const { b } = setup(1, 1_000, 3);
    for (const k of ['a', 'b', 'c', 'd']) b.record(k, false, false);
    expect(b.size).toBe(3);
    expect(b.state('a')).toBe('closed');
    expect(b.state('d')).toBe('open');
  });
});
