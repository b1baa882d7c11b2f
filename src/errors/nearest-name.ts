/** Edit distance (insertions, deletions, substitutions, and swaps of two neighbours), case-insensitive. */
function distance(a: string, b: string): number {
  const x = a.toLowerCase(), y = b.toLowerCase();
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => Array.from({ length: y.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min((d[i - 1] as number[])[j]! + 1, (d[i] as number[])[j - 1]! + 1, (d[i - 1] as number[])[j - 1]! + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) v = Math.min(v, (d[i - 2] as number[])[j - 2]! + 1);
      (d[i] as number[])[j] = v;
    }
  }
  return (d[x.length] as number[])[y.length]!;
}

/**
 * The valid name closest to a misspelt one (`kapa` → `kappa`, `bondsMovingAvrage` → `bondsMovingAverage`), for
 * "did you mean" messages; ties go to the first in `names`. Long keys are cut first: a hostile key of a million
 * characters costs no more than a short one.
 */
export function nearestName(key: string, names: Iterable<string>): string {
  const k = key.slice(0, 64);
  let best = '', bestD = Infinity;
  for (const n of names) {
    const dd = distance(k, n);
    if (dd < bestD) {
      best = n;
      bestD = dd;
    }
  }
  return best;
}
