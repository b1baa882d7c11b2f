// `npm run bench`: every benchmark suite, with fixed seeds. Tables go to stdout, JSON to bench/results/.
import { benchSimulate } from './simulation/simulate.bench.js';
import { benchEpoch } from './yuma/epoch.bench.js';

// `npm run bench -- simulate` (or `epoch`) runs one suite.
const only = process.argv[2];
if (only === undefined || only === 'epoch') await benchEpoch();
if (only === undefined || only === 'simulate') await benchSimulate();
