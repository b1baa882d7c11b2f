/** A column of a text table: its header and alignment. */
export interface Column {
  header: string;
  align?: 'left' | 'right';
}

/** Renders rows as an aligned plain-text table (for terminals; machine output uses --json). */
export function renderTable(columns: Column[], rows: Array<Array<string | number>>): string {
  const cells = rows.map((r) => r.map((c) => String(c)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (vals: string[]): string =>
    vals
      .map((v, i) => ((columns[i]?.align ?? 'right') === 'left' ? v.padEnd(widths[i] ?? 0) : v.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const head = line(columns.map((c) => c.header));
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  return [head, rule, ...cells.map(line)].join('\n');
}
