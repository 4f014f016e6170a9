import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvFormulaGuard } from '../../../services/investigate/csv-formula-guard.ts';

const HEADER = '"event_id","latency_ms","prompt_text"\n';
const ROWS = [
  '"e1",-5,"=HYPERLINK(""http://x"",""y"")"\n',
  '"e2",\\N,"+1+2"\n',
  '"e3",3,"-2"\n',
  '"e4",4,"@SUM(A1:A2)"\n',
  '"e5",5,"\ttab"\n',
  '"e6",6,"\rcarriage"\n',
  '"e7",7,"plain, with ""quotes"" and =inside\n-next line"\n',
  '"e8",8,""\n',
  '"e9",9,"""=quoted"""\n',
];
const GUARDED = [
  '"e1",-5,"\'=HYPERLINK(""http://x"",""y"")"\n',
  '"e2",\\N,"\'+1+2"\n',
  '"e3",3,"\'-2"\n',
  '"e4",4,"\'@SUM(A1:A2)"\n',
  '"e5",5,"\'\ttab"\n',
  '"e6",6,"\'\rcarriage"\n',
  '"e7",7,"plain, with ""quotes"" and =inside\n-next line"\n',
  '"e8",8,""\n',
  '"e9",9,"""=quoted"""\n',
];

test('quoted cells starting with = + - @ tab or CR get a leading apostrophe; numbers and inner text do not', () => {
  const guard = csvFormulaGuard();
  assert.equal(guard(HEADER + ROWS.join('')), HEADER + GUARDED.join(''));
});

test('the result does not depend on how the text is split into pieces', () => {
  const text = HEADER + ROWS.join('');
  for (const size of [1, 2, 3, 7, 40]) {
    const guard = csvFormulaGuard();
    let out = '';
    for (let i = 0; i < text.length; i += size) out += guard(text.slice(i, i + size));
    assert.equal(out, HEADER + GUARDED.join(''), `pieces of ${size}`);
  }
});
