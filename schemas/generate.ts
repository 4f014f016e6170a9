import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderUsageV1JsonSchema } from './json-schema.ts';

const target = fileURLToPath(new URL('./usage.v1.schema.json', import.meta.url));
writeFileSync(target, renderUsageV1JsonSchema());
console.log(`wrote ${target}`);
