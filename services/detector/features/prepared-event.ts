import type { UsageEvent } from '../../../schemas/usage-v1.ts';
import { scanElicitation } from '../../common/text/elicitation.ts';
import { fingerprintFromHex, type PromptFingerprint } from '../../common/text/fingerprint.ts';
import { detectLanguage } from '../../common/text/language.ts';
import { simhashTokens } from '../../common/text/simhash.ts';
import { hashTokenSequence, MAX_PROMPT_TOKENS, mix32, tokenHashes } from '../../common/text/tokenize.ts';
import { type ElicitationModel, elicitationProbability } from '../../ml/elicitation/elicitation-scorer.ts';

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
  /**
   * The elicitation classifier (services/ml/elicitation/) reads the prompt as an instruction to harvest its reasoning
   * trace; false without the classifier or without text.
   */
  harvestInstruction: boolean;
  /** Index into LANGUAGES of the prompt's language; 0 when undetermined or no text was sent. */
  language: number;
}

const tokenScratch = new Int32Array(MAX_PROMPT_TOKENS);

function fromText(text: string, elicitation: ElicitationModel | null): PreparedPrompt {
  const tokenCount = tokenHashes(text, tokenScratch);
  const { reasoning, rationale } = scanElicitation(text);
  const harvestInstruction =
    elicitation !== null && elicitationProbability(elicitation, tokenScratch, tokenCount) >= elicitation.threshold;
  return {
    fingerprint: simhashTokens(tokenScratch, tokenCount),
    promptHash: hashTokenSequence(tokenScratch, tokenCount),
    tokens: tokenScratch,
    tokenCount,
    hasText: true,
    reasoning,
    rationale,
    harvestInstruction,
    language: detectLanguage(tokenScratch, tokenCount),
  };
}

/**
 * Prefers the prompt text; falls back to the gateway's `prompt_simhash`/`prompt_sha256` when text is withheld. The
 * elicitation classifier, when given, scores the text (stage 2 does not need it and passes none).
 */
export function preparePrompt(event: UsageEvent, elicitation: ElicitationModel | null = null): PreparedPrompt {
  if (event.prompt_text) return fromText(event.prompt_text, elicitation);
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
    harvestInstruction: false,
    language: 0,
  };
}
