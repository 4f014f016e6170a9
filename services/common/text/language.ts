import { tokenHashes } from './tokenize.ts';

/**
 * A cheap language guess for one prompt from its token hashes (the detector already has them): function words of
 * the world's most used languages written in Latin, Cyrillic or Arabic script, and common particles of Chinese,
 * Japanese, Korean and Hindi. Enough to tell which language a prompt is mostly written in, at no extra tokenising;
 * not a general language identifier (it says "undetermined" rather than guess).
 */
const FUNCTION_WORDS: Readonly<Record<string, string>> = {
  en: 'the and is are of to in that what how for with you this it be can do does which from',
  es: 'el la los las y es por para con una del cómo qué pero más este esta se lo al',
  pt: 'o os da do das dos não uma com em para é você como mais mas ao pelo pela isso',
  fr: 'le les des est et une du pour dans qui pas vous ce cette sur au avec comment sont',
  de: 'der die das und ist nicht ein eine ich mit sie zu wie auf für dem den des sind',
  it: 'il lo gli di che è per una non della come sono del nel alla anche questo più',
  nl: 'het een en van ik niet dat zijn wat voor met op ook er aan hoe wordt',
  id: 'yang dan di ini itu dengan untuk tidak dari apa bagaimana saya adalah akan pada dalam bisa',
  tr: 've bir bu için ne nasıl değil ile mi çok daha gibi olan ama',
  pl: 'w nie się na jest że jak co to do czy jego oraz dla przez',
  vi: 'và của là có không những được cho một các trong này người với',
  sv: 'och att det som är på för inte med jag av till har hur',
  ru: 'и в не на что с как это по но из к у за от так',
  ar: 'في من على أن إلى التي الذي عن هذا ما كيف هل',
  hi: 'है का के की में और को से यह क्या कैसे',
  // Ideographic and syllabic scripts: each character is a token, so these are single characters.
  zh: '的 是 了 在 我 你 这 和 不 们 什 么 吗',
  ja: 'の は を に が で て た す ま か る',
  ko: '이 는 을 를 에 의 가 다 하 고 습 니 은 요 서 해 지 까',
};

/** Language codes a prompt can be attributed to; index 0 is "undetermined". */
export const LANGUAGES: readonly string[] = ['und', ...Object.keys(FUNCTION_WORDS)];

/** How many language ids `detectLanguage` can return (including 0, undetermined). */
export const LANGUAGE_SLOTS = LANGUAGES.length;

/** Token hash → bit mask of the languages it is a function word of (a word may belong to several). */
const WORD_LANGUAGES: ReadonlyMap<number, number> = (() => {
  const map = new Map<number, number>();
  const scratch = new Int32Array(64);
  LANGUAGES.forEach((code, id) => {
    const words = FUNCTION_WORDS[code];
    if (!words) return;
    for (const word of words.split(' ')) {
      const n = tokenHashes(word, scratch);
      if (n !== 1) throw new Error(`function word "${word}" (${code}) is not one token`);
      map.set(scratch[0]!, (map.get(scratch[0]!) ?? 0) | (1 << id));
    }
  });
  return map;
})();

/**
 * WORD_LANGUAGES as an open-addressing table of typed arrays (probing from the hash's low bits, linear), so the
 * look-up per token is a few array reads instead of a Map look-up: this runs for every prompt.
 */
const TABLE_BITS = 10;
const TABLE_MASK = (1 << TABLE_BITS) - 1;
const tableKeys = new Int32Array(1 << TABLE_BITS);
const tableMasks = new Int32Array(1 << TABLE_BITS);
/** Slots in use; a mask is never 0 for a listed word, but a key may be. */
const tableUsed = new Uint8Array(1 << TABLE_BITS);
if (WORD_LANGUAGES.size > (1 << TABLE_BITS) / 2) throw new Error('language table too small for its function words');
for (const [hash, mask] of WORD_LANGUAGES) {
  let slot = (hash ^ (hash >>> 16)) & TABLE_MASK;
  while (tableUsed[slot] === 1) slot = (slot + 1) & TABLE_MASK;
  tableUsed[slot] = 1;
  tableKeys[slot] = hash;
  tableMasks[slot] = mask;
}

/** The language mask of a token hash, 0 when it is no listed function word. */
function languagesOf(hash: number): number {
  let slot = (hash ^ (hash >>> 16)) & TABLE_MASK;
  while (tableUsed[slot] === 1) {
    if (tableKeys[slot] === hash) return tableMasks[slot]!;
    slot = (slot + 1) & TABLE_MASK;
  }
  return 0;
}

/** Tokens read per prompt: the instruction and its first sentences say which language the prompt is in. */
const MAX_TOKENS = 96;
/** A language needs this many function-word hits, and more than any other language, to be named. */
const MIN_HITS = 2;

const hits = new Int32Array(LANGUAGE_SLOTS);

/**
 * The id (index into LANGUAGES) of the language the prompt's first tokens are mostly written in, or 0 when too few
 * function words say so or two languages tie.
 */
export function detectLanguage(tokens: Int32Array, count: number): number {
  hits.fill(0);
  const limit = Math.min(count, MAX_TOKENS);
  for (let i = 0; i < limit; i++) {
    const mask = languagesOf(tokens[i]!);
    // Each set bit in turn, lowest first (bit 0, undetermined, is never set).
    for (let rest = mask; rest !== 0; rest &= rest - 1) hits[31 - Math.clz32(rest & -rest)]!++;
  }
  let best = 0;
  let bestHits = MIN_HITS - 1;
  let tie = false;
  for (let id = 1; id < LANGUAGE_SLOTS; id++) {
    const h = hits[id]!;
    if (h > bestHits) {
      best = id;
      bestHits = h;
      tie = false;
    } else if (h === bestHits && best !== 0) tie = true;
  }
  return tie ? 0 : best;
}
