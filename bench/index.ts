// `npm run bench`: every benchmark suite, with fixed seeds. Tables go to stdout, JSON to bench/results/.
import { benchDendrite } from './dendrite/dendrite.bench.js';
import { benchDevnet } from './devnet/devnet.bench.js';
import { benchMetagraph } from './chain/metagraph.bench.js';
import { benchMinerFlood } from './miner/miner-flood.bench.js';
import { benchScore } from './scoring/score.bench.js';
import { benchSimulate } from './simulation/simulate.bench.js';
import { benchSybil } from './scoring/sybil.bench.js';
import { benchEpoch } from './yuma/epoch.bench.js';
import { benchTune } from './tune/tune.bench.js';
import { benchReplay } from './replay/replay.bench.js';
import { benchAudit } from './audit/detection.bench.js';
import { benchAuditSpeed } from './audit/speed.bench.js';
import { benchValidator } from './service/validator.bench.js';
import { benchTimelock } from './timelock/timelock.bench.js';

// `npm run bench -- simulate` (or `epoch`, `score`, `devnet`) runs one suite.
const only = process.argv[2];
// `npm run bench -- epoch [SIZES]`: SIZES comma-separated (e.g. L-Y3-half,S-Y3), default every size.
if (only === undefined || only === 'epoch') await benchEpoch(only === 'epoch' ? process.argv[3] : undefined);
if (only === undefined || only === 'simulate') await benchSimulate();
if (only === undefined || only === 'score') await benchScore();
if (only === undefined || only === 'sybil') benchSybil();
if (only === undefined || only === 'devnet') await benchDevnet();
if (only === undefined || only === 'metagraph') await benchMetagraph();
if (only === undefined || only === 'dendrite') await benchDendrite();
if (only === undefined || only === 'miner') await benchMinerFlood();
if (only === undefined || only === 'tune') await benchTune();
if (only === undefined || only === 'replay') await benchReplay();
if (only === undefined || only === 'audit') await benchAudit();
if (only === undefined || only === 'audit-speed') await benchAuditSpeed();
// `npm run bench -- validator [STEPS]` (default 1,000 steps).
if (only === undefined || only === 'validator') await benchValidator(process.argv[3]);
if (only === undefined || only === 'timelock') await benchTimelock();
