/**
 * A small seeded pseudo-random generator (mulberry32): fixed seeds make benchmarks, the built-in example and
 * simulations repeatable. Not for keys or anything an adversary may predict.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [0, bound). */
  int(bound: number): number {
    return Math.floor(this.next() * bound);
  }

  /** A standard normal deviate (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** `count` distinct integers from [0, bound), ascending. */
  sample(bound: number, count: number): number[] {
    const picked = new Set<number>();
    while (picked.size < Math.min(count, bound)) picked.add(this.int(bound));
    return [...picked].sort((a, b) => a - b);
  }
}
