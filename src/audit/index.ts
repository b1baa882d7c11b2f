/*
 * Audit: who copies weights, who colludes in a cartel and who self-deals in a subnet's history, each finding priced in rao with the exact
 * engine (docs/audit.md). This is the module's only entry.
 */
export { audit, auditSnapshots, auditHistory } from './audit.js';
export type { AuditProgress } from './audit.js';
export { readSnapshots, streamSnapshots, auditEpoch, packRows, unpackRows, rowOf, hasRow, withWeights } from './history.js';
export type { HistorySource } from './history.js';
export { AUDIT_DEFAULTS, resolveAuditOptions } from './options.js';
export type { AuditOptions } from './options.js';
export { priceFinding, honestRow, counterfactualConsensus } from './pricing.js';
export { detectCopiers } from './detect-copier.js';
export { detectSelfDealing } from './detect-self-dealing.js';
export { detectCartels, denseGroups, cartelEvidence } from './detect-cartel.js';
export { overlap, suffixSignFlipTest, maxSuffix, maxSubarray, windowSignFlipTest } from './statistics.js';
export type { AuditEpoch, AuditReport, AuditValidator, Finding, FindingKind, PackedRows, Pricing } from './types.js';
export { renderAuditHtml } from './html-report.js';
export { agreementMatrix } from './agreement.js';
export type { Agreement } from './agreement.js';
