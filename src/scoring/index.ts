export { scoreBatch } from './score.js';
export { checkBatchShape, BATCH_LIMITS } from './check-batch.js';
export { SCORING_DEFAULTS, SCORING_MODELS, resolveScoringParams } from './params.js';
export { parseScoreBatch, parseScoreRequest, denseResponse, topkResponse, wireProbability, wireOutcomeId, MAX_VOCAB, MAX_QUERIES, MAX_UID } from './parse-batch.js';
export { ScoreBook } from './score-book.js';
export type { ScoreBookEntry, ScoreBookJson } from './score-book.js';
export { scoreReference } from './reference/index.js';
export * from './weights/index.js';
export type { MinerResponse, ScoreBatch, ScoreResult, ScoringModel, ScoringParams } from './types.js';
