import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ELICITATION_PHRASES, scanElicitation } from '../../../services/common/text/elicitation.ts';
import { compilePhraseMatcher } from '../../../services/common/text/phrase-matcher.ts';
import { createPrng } from '../../../services/ml/prng.ts';

const escapeRegExp = (phrase: string) => phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const alternation = (phrases: readonly string[]) => new RegExp(phrases.map(escapeRegExp).join('|'), 'i');

/** What the matcher must answer: bit i when the case-insensitive regular expression of group i matches. */
function regexGroups(groups: readonly (readonly string[])[], text: string): number {
  return groups.reduce((bits, phrases, i) => (alternation(phrases).test(text) ? bits | (1 << i) : bits), 0);
}

describe('phrase matcher', () => {
  it('finds overlapping phrases and phrases inside others (failure links and their outputs)', () => {
    const groups = [['he', 'hers'], ['she'], ['his', 'ushe']];
    const m = compilePhraseMatcher(groups);
    for (const text of ['ushers', 'ahishers', 'sh', 'hi s', 'uSHe', 'xxhisxx', 'sushe', 'h', ''])
      assert.equal(m.groupsIn(text, 0, text.length), regexGroups(groups, text), text);
  });

  it('looks only inside the range it is given', () => {
    const m = compilePhraseMatcher([['step by step']]);
    const text = 'step by step';
    assert.equal(m.groupsIn(text, 0, text.length), 1);
    assert.equal(m.groupsIn(text, 1, text.length), 0);
    assert.equal(m.groupsIn(text, 0, text.length - 1), 0);
  });

  it('folds case as a regular expression with the i flag and without u does', () => {
    // ß upper-cases to two letters and ı (dotless i) to ASCII I: the regular expression keeps both as they are.
    const groups = [['straße'], ['étape'], ['шаг'], ['i'], ['ﬀ']];
    const m = compilePhraseMatcher(groups);
    for (const text of ['STRASSE', 'STRAßE', 'ÉTAPE', 'Étape', 'ШАГ', 'ı', 'I', 'İ', 'FF', 'ﬀ'])
      assert.equal(m.groupsIn(text, 0, text.length), regexGroups(groups, text), text);
  });

  it('refuses an empty phrase', () => {
    assert.throws(() => compilePhraseMatcher([['a', '']]), /empty phrase/);
  });
});

describe('elicitation scan, against the regular expressions it replaced', () => {
  const groups = [ELICITATION_PHRASES.reasoning, ELICITATION_PHRASES.rationale];
  const all = [...ELICITATION_PHRASES.reasoning, ...ELICITATION_PHRASES.rationale];
  const noise = ['a', 'E', ' ', '\n', 'é', 'Ü', 'ß', 'ı', 'Ж', '步', 'の', '-', '"', ':', 'step', 'by', 'think', 'rea'];

  /** Phrases cut, joined and case-flipped at random, with noise between: near-misses as well as hits. */
  function randomText(random: () => number, length: number): string {
    let text = '';
    while (text.length < length) {
      const r = random();
      if (r < 0.25) text += noise[Math.floor(random() * noise.length)]!;
      else {
        const phrase = all[Math.floor(random() * all.length)]!;
        const from = r < 0.27 ? 0 : Math.floor(random() * phrase.length);
        const to = r < 0.27 ? phrase.length : from + Math.floor(random() * (phrase.length - from + 1));
        for (const c of phrase.slice(from, to)) text += random() < 0.3 ? c.toUpperCase() : c;
      }
    }
    return text;
  }

  /** The scan as it was: head and tail joined by a newline, then the two regular expressions. */
  function regexScan(text: string) {
    const part = text.length <= 4_000 ? text : `${text.slice(0, 3_000)}\n${text.slice(-1_000)}`;
    return { reasoning: alternation(groups[0]!).test(part), rationale: alternation(groups[1]!).test(part) };
  }

  it('answers as they did on 3,000 random texts, short and longer than the scanned head and tail', () => {
    const random = createPrng(20261204);
    let hits = 0;
    for (let i = 0; i < 3_000; i++) {
      const length = i % 10 === 0 ? 3_990 + Math.floor(random() * 40) : Math.floor(random() * 200);
      const text = randomText(random, length);
      const expected = regexScan(text);
      assert.deepEqual({ ...scanElicitation(text) }, expected, JSON.stringify(text.slice(0, 300)));
      if (expected.reasoning || expected.rationale) hits++;
    }
    assert.ok(hits > 300 && hits < 2_700, `the texts mix hits and misses (${hits} hits)`);
  });

  it('does not match a phrase split by the gap between the scanned head and tail', () => {
    const text = `${'x'.repeat(2_996)}step by step${'y'.repeat(1_000)}`;
    assert.equal(text.length, 4_008);
    assert.deepEqual({ ...scanElicitation(text) }, regexScan(text));
    assert.equal(scanElicitation(text).reasoning, false);
  });
});
