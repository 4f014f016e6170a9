import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { serviceImports, violations } from './imports.ts';
import { GROUPS, KNOWN_VIOLATIONS, LAYERS, SHARED_OUTSIDE_SERVICES } from './layers.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const edgeText = (e: { from: string; to: string }) => `${e.from} -> ${e.to}`;

test('every service folder has a declared layer, and every declared layer is a folder', () => {
  const folders = readdirSync(`${ROOT}services`, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  assert.deepEqual(Object.keys(LAYERS).sort(), folders);
});

test('the declared direction is common ← stages ← wiring ← api/cli, without cycles', () => {
  const rank = (folder: string) => GROUPS.indexOf(LAYERS[folder]!.group);
  for (const [folder, layer] of Object.entries(LAYERS)) {
    for (const target of layer.mayImport) {
      assert.ok(LAYERS[target], `${folder} may import ${target}, which is not a declared folder`);
      assert.ok(rank(target) <= rank(folder), `${folder} (${layer.group}) may not import ${target} (a later group)`);
    }
  }
  const visiting = new Set<string>();
  const done = new Set<string>();
  const visit = (folder: string, path: string[]): void => {
    if (done.has(folder)) return;
    assert.ok(!visiting.has(folder), `declared cycle: ${[...path, folder].join(' -> ')}`);
    visiting.add(folder);
    for (const target of LAYERS[folder]!.mayImport) visit(target, [...path, folder]);
    visiting.delete(folder);
    done.add(folder);
  };
  for (const folder of Object.keys(LAYERS)) visit(folder, []);
});

test('no import in services/ runs against the declared direction (beyond the listed remaining ones)', () => {
  const found = violations(serviceImports(ROOT), LAYERS, SHARED_OUTSIDE_SERVICES).map(edgeText);
  const known = new Set(KNOWN_VIOLATIONS.map(edgeText));
  assert.deepEqual(
    found.filter((edge) => !known.has(edge)),
    [],
    'imports against services/*/README.md "May import" (test/unit/architecture/layers.ts)',
  );
  const gone = [...known].filter((edge) => !found.includes(edge));
  assert.deepEqual(gone, [], 'fixed violations still listed in KNOWN_VIOLATIONS: remove them');
});

test('the check refuses an import against the direction and allows a declared one', () => {
  const edges = [
    { from: 'services/common/config/x.ts', to: 'services/coordination/engine.ts' },
    { from: 'services/detector/a.ts', to: 'services/ml/b.ts' },
    { from: 'services/ml/c.ts', to: 'services/detector/pipeline.ts' },
    { from: 'services/consumer/d.ts', to: 'test/helpers/infra.ts' },
    { from: 'services/event-store/e.ts', to: 'schemas/usage-v1.ts' },
    { from: 'services/api/f.ts', to: 'services/common/errors.ts' },
  ];
  assert.deepEqual(violations(edges, LAYERS, SHARED_OUTSIDE_SERVICES).map(edgeText), [
    'services/common/config/x.ts -> services/coordination/engine.ts',
    'services/ml/c.ts -> services/detector/pipeline.ts',
    'services/consumer/d.ts -> test/helpers/infra.ts',
  ]);
});
