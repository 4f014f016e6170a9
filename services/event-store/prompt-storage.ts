import { createHash } from 'node:crypto';
import type { UsageEvent } from '../../schemas/usage-v1.ts';
import { fingerprintToHex } from '../common/text/fingerprint.ts';
import { simhashText } from '../common/text/simhash.ts';

/** What `usage_events` keeps of a prompt (DG_PROMPT_STORAGE); the detector always sees the event as received. */
type PromptStorage = 'full' | 'truncated' | 'fingerprint';

export interface PromptPolicy {
  storage: PromptStorage;
  /** Characters (code points) of `prompt_text` kept in `truncated` mode. */
  truncateChars: number;
}

export interface StoredPrompt {
  prompt_text: string;
  prompt_sha256: string;
  prompt_simhash: string;
}

const FULL: PromptPolicy = { storage: 'full', truncateChars: 0 };

/** The first `n` code points of `text`, so a surrogate pair is never split. */
function firstChars(text: string, n: number): string {
  if (text.length <= n) return text;
  let end = 0;
  for (let kept = 0; kept < n && end < text.length; kept++) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  return text.slice(0, end);
}

/**
 * The prompt columns of a row: `full` keeps the text as sent; `truncated` keeps its first characters; `fingerprint`
 * keeps no text. Outside `full`, a SHA-256 and SimHash of the whole text are filled in when the gateway sent none,
 * so exact and near-duplicate prompts stay findable without the text.
 */
export function storedPrompt(e: UsageEvent, policy: PromptPolicy = FULL): StoredPrompt {
  const text = e.prompt_text ?? '';
  if (policy.storage === 'full' || text === '')
    return { prompt_text: text, prompt_sha256: e.prompt_sha256 ?? '', prompt_simhash: e.prompt_simhash ?? '' };
  return {
    prompt_text: policy.storage === 'truncated' ? firstChars(text, policy.truncateChars) : '',
    prompt_sha256: e.prompt_sha256 ?? createHash('sha256').update(text, 'utf8').digest('hex'),
    prompt_simhash: e.prompt_simhash ?? fingerprintToHex(simhashText(text)),
  };
}
