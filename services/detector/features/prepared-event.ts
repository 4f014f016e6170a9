import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { scanElicitation } from '../../common/text/elicitation.ts';
import { fingerprintFromHex, type PromptFingerprint } from '../../common/text/fingerprint.ts';
import { detectLanguage } from '../../common/text/language.ts';
import { simhashTokens } from '../../common/text/simhash.ts';
import { hashTokenSequence, MAX_PROMPT_TOKENS, mix32, tokenHashes } from '../../common/text/tokenize.ts';

/** What the detector derives from one event's prompt, computed once and shared by state and stage 2. */
export interface PreparedPrompt {
  fingerprint: PromptFingerprint | null;
  /** 32-bit hash identifying the prompt for distinct counting (normalised text, else sha256, else SimHash). */
  promptHash: number | null;
  /** Token hashes of `prompt_text` (a shared scratch buffer valid until the next event) and how many. */
  tokens: Int32Array;
  tokenCount: number;
  hasText: boolean;
  reasoning: boolean;
  rationale: boolean;
  /** Index into LANGUAGES of the prompt's language; 0 when undetermined or no text was sent. */
  language: number;
}

const tokenScratch = new Int32Array(MAX_PROMPT_TOKENS);

function fromText(text: string): PreparedPrompt {
  const tokenCount = tokenHashes(text, tokenScratch);
  const { reasoning, rationale } = scanElicitation(text);
  return {
    fingerprint: simhashTokens(tokenScratch, tokenCount),
    promptHash: hashTokenSequence(tokenScratch, tokenCount),
    tokens: tokenScratch,
    tokenCount,
    hasText: true,
    reasoning,
    rationale,
    language: detectLanguage(tokenScratch, tokenCount),
  };
}

/** Prefers the prompt text; falls back to the gateway's `prompt_simhash`/`prompt_sha256` when text is withheld. */
export function preparePrompt(event: UsageEvent): PreparedPrompt {
  if (event.prompt_text) return fromText(event.prompt_text);
  const fingerprint = event.prompt_simhash ? fingerprintFromHex(event.prompt_simhash) : null;
  const promptHash = event.prompt_sha256
    ? mix32(Number.parseInt(event.prompt_sha256.slice(0, 8), 16)) >>> 0
    : fingerprint
      ? mix32(fingerprint.lo ^ mix32(fingerprint.hi)) >>> 0
      : null;
  return {
    fingerprint,
    promptHash,
    tokens: tokenScratch,
    tokenCount: 0,
    hasText: false,
    reasoning: false,
    rationale: false,
    language: 0,
  };
}
