import { z } from 'zod';
import { usageEventSchema } from './usage-v1.ts';

/** The usage.v1 JSON Schema (draft 2020-12) as producers see it: the input side of the zod schema. */
export function renderUsageV1JsonSchema(): string {
  const schema = z.toJSONSchema(usageEventSchema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>;
  const properties = schema.properties as Record<string, Record<string, unknown>>;
  // Optional fields accept null (parseEvent drops nulls before validation); say so for other languages.
  const required = new Set(schema.required as string[]);
  for (const [name, property] of Object.entries(properties)) {
    if (!required.has(name)) properties[name] = { anyOf: [property, { type: 'null' }] };
  }
  schema.additionalProperties = true;
  return `${JSON.stringify(schema, null, 2)}\n`;
}
