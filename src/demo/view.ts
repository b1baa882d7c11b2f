import type { DemoState, EpochRecord } from './types.js';

/*
 * The live view. On a terminal: one panel redrawn in place (cursor up over the previous panel, erase to the end of the
 * screen), at most every 250 ms, kept to about 30 lines so it fits one screen. Elsewhere (a pipe, a CI log): one
 * plain line per epoch. A few ANSI sequences do what a library would; nothing to install.
 */

const U16 = 65535;
const pct = (v: number | null): string => (v === null ? '   -  ' : `${((v / U16) * 100).toFixed(1).padStart(5)}%`);

/** The panel's lines for a state. */
export function panelLines(s: DemoState, title: string): string[] {
  const lines = [
    `${title}`,
    `block ${s.block}   epoch ${s.epoch}/${s.epochs}`,
    '',
    'validator   role         uid  landed  vtrust pred  actual   last step',
  ];
  for (const v of s.validators) {
    lines.push(`${v.label.padEnd(11)} ${v.role.padEnd(12)} ${String(v.uid).padStart(3)}  ${String(v.landed).padStart(6)}  ${pct(v.vtrustPredicted)}  ${pct(v.vtrustActual)}   ${v.lastStep ?? (v.role === 'honest' ? '-' : 'no queries')}${v.lastError === null ? '' : `  (${v.lastError})`}`);
  }
  lines.push('', 'top miners by incentive   quality');
  for (const m of s.top.slice(0, 10)) lines.push(`  ${m.label.padEnd(14)} ${pct(m.incentive)}   ${m.quality.toFixed(1)}`);
  return lines;
}

/** One plain line for an epoch. */
export function epochLine(s: DemoState, r: EpochRecord): string {
  const vs = s.validators.map((v) => `${v.label} vtrust ${((r.vtrust[v.uid] ?? 0) / U16).toFixed(3)}`).join(', ');
  const top = s.top.slice(0, 3).map((m) => `${m.label} ${((m.incentive / U16) * 100).toFixed(1)}%`).join(' ');
  return `epoch ${s.epoch}/${s.epochs} block ${r.block}: ${vs}; top ${top}`;
}

/** A view writing to a stream: a redrawn panel on a TTY, plain epoch lines elsewhere. */
export class LiveView {
  private drawn = 0;
  private lastDraw = 0;
  private pending: DemoState | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly out: NodeJS.WritableStream & { isTTY?: boolean }, private readonly title: string, private readonly tty = out.isTTY === true) {}

  /** Called on every head (record null) and every epoch. */
  update(s: DemoState, r: EpochRecord | null): void {
    if (!this.tty) {
      if (r !== null) this.out.write(`${epochLine(s, r)}\n`);
      return;
    }
    this.pending = s;
    const wait = 250 - (Date.now() - this.lastDraw);
    if (wait <= 0) this.draw();
    else this.timer ??= setTimeout(() => { this.timer = null; this.draw(); }, wait);
  }

  private draw(): void {
    if (this.pending === null) return;
    const lines = panelLines(this.pending, this.title);
    this.pending = null;
    this.lastDraw = Date.now();
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : '';
    this.out.write(`${up}\x1b[0J${lines.join('\n')}\n`);
    this.drawn = lines.length;
  }

  /** Draws what is pending and stops the timer. */
  close(): void {
    if (this.timer !== null) { clearTimeout(this.timer); this.timer = null; }
    if (this.tty) this.draw();
  }
}
