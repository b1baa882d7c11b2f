// The audit alone in its own process (bench/audit/speed.bench.ts spawns it), so that its peak RSS is the audit's and
// not the archive writer's: `node --import tsx bench/audit/audit-child.ts FILE NETUID`. Prints one JSON line.
import { cpuUsage, resourceUsage } from 'node:process';
import { audit } from '../../src/audit/index.js';

const [file, netuid] = process.argv.slice(2);
const c0 = cpuUsage();
const t0 = performance.now();
let phases = '';
const report = audit({ kind: 'archive', file: file as string, netuid: Number(netuid) }, {}, (phase, done, total) => {
  if (done === total) phases += `${phase} ${total} done at ${((performance.now() - t0) / 1000).toFixed(1)} s; `;
});
const wallS = (performance.now() - t0) / 1000;
const cpu = cpuUsage(c0);
process.stdout.write(`${JSON.stringify({
  wallS, cpuS: (cpu.user + cpu.system) / 1e6, maxRssMiB: resourceUsage().maxRSS / 1024, phases,
  findings: report.findings.map((f) => `${f.kind} ${f.validators.join(',')} gain ${f.gainRao}`),
})}\n`);
