import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectLanguage, LANGUAGES } from '../../../services/common/text/language.ts';
import { MAX_PROMPT_TOKENS, tokenHashes } from '../../../services/common/text/tokenize.ts';

const scratch = new Int32Array(MAX_PROMPT_TOKENS);
function languageOf(text: string): string {
  return LANGUAGES[detectLanguage(scratch, tokenHashes(text, scratch))]!;
}

describe('detectLanguage', () => {
  const samples: [string, string][] = [
    ['en', 'What is the best way to learn how a transformer works?'],
    ['es', '¿Cómo funciona el sistema inmunológico y qué papel tienen los linfocitos?'],
    ['pt', 'Explique em profundidade como funciona a fotossíntese e quais são os limites.'],
    ['fr', 'Comment fonctionne la photosynthèse dans les plantes ?'],
    ['de', 'Wie funktioniert die Photosynthese und was ist das Problem?'],
    ['it', 'Spiega in modo approfondito come funziona il sistema immunitario e quali sono i limiti.'],
    ['id', 'Jelaskan secara mendalam bagaimana cara kerja sistem imun dan apa yang dimaksud dengan antibodi.'],
    ['ru', 'Как работает фотосинтез и что это такое?'],
    ['ja', '光合成の仕組みを詳しく説明してください。'],
    ['zh', '请详细解释光合作用是什么'],
    ['ko', '광합성은 어떻게 작동합니까? 설명해 주세요'],
  ];
  for (const [code, text] of samples) it(`names ${code}`, () => assert.equal(languageOf(text), code));

  it('says undetermined rather than guess from too little text', () => {
    assert.equal(languageOf('beep'), 'und');
    assert.equal(languageOf('x = 42; y = x * 2'), 'und');
    assert.equal(languageOf(''), 'und');
  });

  it('reads the instruction and first sentences, not a long pasted tail', () => {
    const filler = Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ');
    const text = `What is the main point of the text below and how does it relate to the title? ${filler} ${'der die das und '.repeat(100)}`;
    assert.equal(languageOf(text), 'en');
  });
});
