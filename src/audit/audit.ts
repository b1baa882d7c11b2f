import { agreementMatrix } from './agreement.js';
import { detectCartels } from './detect-cartel.js';
import { detectCopiers } from './detect-copier.js';
import { detectSelfDealing } from './detect-self-dealing.js';
import { auditEpoch, rowUids, shareWithPrevious, streamSnapshots } from './history.js';
import type { HistorySource } from './history.js';
import { resolveAuditOptions } from './options.js';
import type { AuditOptions } from './options.js';
import { priceFinding } from './pricing.js';
import type { AuditEpoch, AuditReport, Finding, FindingKind, Pricing } from './types.js';
import type { Snapshot } from '../replay/index.js';

/*
 * The audit: history in, findings out. Each epoch runs once through the exact engine (the factual results), the
 * detectors read the history, and each finding is priced by a counterfactual re-run of its window (pricing.ts).
 */

/** Progress: epochs read (phase "read") or findings priced (phase "price"). */
export type AuditProgress = (phase: 'read' | 'price', done: number, total: number) => void;

/** Audits snapshots (ascending by block), read one at a time; `total` is for the progress bar. */
export function auditSnapshots(snapshots: Iterable<Snapshot>, options: Partial<AuditOptions> = {}, onProgress: AuditProgress = () => undefined, total?: number): AuditReport {
  const o = resolveAuditOptions(options);
  const history: AuditEpoch[] = [];
  const count = total ?? (Array.isArray(snapshots) ? snapshots.length : 0);
  for (const s of snapshots) {
    history.push(shareWithPrevious(auditEpoch(s), history[history.length - 1]));
    onProgress('read', history.length, Math.max(count, history.length));
  }
  return auditHistory(history, o, onProgress);
}

/** Reads a source and audits it (an archive is streamed row by row). */
export function audit(source: HistorySource, options: Partial<AuditOptions> = {}, onProgress?: AuditProgress): AuditReport {
  const o = resolveAuditOptions(options);
  const { total, snapshots } = streamSnapshots(source);
  return auditSnapshots(snapshots, o, onProgress, total);
}

function withPricing(f: Omit<Finding, 'gainRao'>, p: Pricing | null, includeMiners: boolean): Finding {
  if (p === null) return { ...f, gainRao: '0', evidence: { ...f.evidence, pricing: null } };
  const gain = BigInt(p.dividendsGainRao) + (includeMiners ? BigInt(p.minersGainRao) : 0n);
  return { ...f, gainRao: gain.toString(), evidence: { ...f.evidence, pricing: p } };
}

/** Audits a history of epochs with the factual results computed. */
export function auditHistory(history: readonly AuditEpoch[], o: AuditOptions, onProgress: AuditProgress = () => undefined): AuditReport {
  const T = history.length;
  const raw: Array<{ f: Omit<Finding, 'gainRao'>; includeMiners: boolean; fromIndex: number; toIndex: number }> = [];
  if (T > 0) {
    for (const c of detectCopiers(history, o)) {
      raw.push({
        f: { kind: 'copier', validators: [c.uid], miners: [], from: history[c.fromIndex]!.block, to: history[c.toIndex]!.block, statistic: c.statistic, pValue: c.pValue, evidence: c.evidence },
        includeMiners: false, fromIndex: c.fromIndex, toIndex: c.toIndex,
      });
    }
    for (const c of detectCartels(history, o)) {
      raw.push({
        f: { kind: 'cartel', validators: c.uids, miners: c.miners, from: history[c.fromIndex]!.block, to: history[c.toIndex]!.block, statistic: c.statistic, pValue: c.pValue, evidence: c.evidence },
        includeMiners: false, fromIndex: c.fromIndex, toIndex: c.toIndex,
      });
    }
    for (const c of detectSelfDealing(history, o)) {
      raw.push({
        f: { kind: 'self-dealing', validators: [c.uid], miners: c.miners, from: history[c.fromIndex]!.block, to: history[c.toIndex]!.block, statistic: c.statistic, pValue: c.pValue, evidence: c.evidence },
        includeMiners: true, fromIndex: c.fromIndex, toIndex: c.toIndex,
      });
    }
  }
  const findings = raw.map((r, i) => {
    const p = o.price ? priceFinding(history, r.f.validators, r.f.miners, r.fromIndex, r.toIndex) : null;
    onProgress('price', i + 1, raw.length);
    return withPricing(r.f, p, r.includeMiners);
  });
  findings.sort((a, b) => { const d = BigInt(b.gainRao) - BigInt(a.gainRao); return d > 0n ? 1 : d < 0n ? -1 : 0; });
  const last = history[T - 1];
  const uids = new Set<number>();
  for (const e of history) for (const uid of rowUids(e)) uids.add(uid);
  const validators = [...uids].sort((a, b) => a - b).map((uid) => {
    const flags = [...new Set(findings.filter((f) => f.validators.includes(uid)).map((f) => f.kind))] as FindingKind[];
    return { uid, hotkey: last?.hotkeys[uid] ?? '', flags };
  });
  return { from: history[0]?.block ?? 0, to: last?.block ?? 0, epochs: T, findings, validators, agreement: agreementMatrix(history) };
}
