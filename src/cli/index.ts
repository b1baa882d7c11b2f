export { epochCommand } from './epoch-command.js';
export { exampleCommand } from './example-command.js';
export { simulateCommand } from './simulate-command.js';
export { scoreCommand } from './score-command.js';
export { weightsCommand } from './weights-command.js';
export { devnetCommand } from './devnet-command.js';
export { readJsonInput, writeJson } from './read-input.js';
export { renderTable } from './table.js';
export type { Column } from './table.js';
