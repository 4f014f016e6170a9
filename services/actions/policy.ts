import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { alertKindSchema, severitySchema } from '../../schemas/alert-v1.ts';
import { errors } from '../common/errors.ts';
import { repoPath } from '../common/runtime-paths.ts';
import { parseOr } from '../common/zod-issues.ts';
import { enforcementTypeSchema, rpmSchema, tpmSchema } from './action-schema.ts';

export const DEFAULT_POLICY_FILE = repoPath('infra', 'policy', 'default-policy.json');

const DURATION = /^(\d{1,6})(s|m|h|d)$/;
const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "90s", "15m", "6h", "7d" → milliseconds. */
export const durationSchema = z
  .string()
  .regex(DURATION, 'must look like 90s, 15m, 6h or 7d')
  .transform((s) => {
    const [, amount, unit] = DURATION.exec(s)!;
    return Number(amount) * UNIT_MS[unit!]!;
  })
  .refine((ms) => ms > 0, 'must be longer than zero');

/** Every condition present must hold; an empty `when` matches every alert. */
const conditionSchema = z.strictObject({
  min_score: z.number().min(0).max(1).optional(),
  min_severity: severitySchema.optional(),
  kind: z.array(alertKindSchema).min(1).optional(),
  category: z.array(z.string().min(1)).min(1).optional(),
  /** Number of keys in the alert (1 for a key alert). */
  min_cluster_size: z.int().positive().optional(),
  max_cluster_size: z.int().positive().optional(),
});

const outcomeSchema = z
  .strictObject({
    type: enforcementTypeSchema,
    rpm: rpmSchema.optional(),
    tpm: tpmSchema.optional(),
    duration: durationSchema,
    /** Shadows this one rule (try a new rule before enforcing it); a dry_run policy is never enforced. */
    mode: z.literal('dry_run').optional(),
  })
  .refine((o) => o.type !== 'rate_limit' || o.rpm !== undefined || o.tpm !== undefined, {
    message: 'rate_limit needs rpm or tpm',
    path: ['rpm'],
  });

const ruleSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, - or _ (max 64)'),
  when: conditionSchema,
  action: outcomeSchema,
});

/** Rules are tried in file order and the first match wins, so put the most severe rules first. */
const policySchema = z
  .strictObject({
    version: z.literal(1),
    mode: z.enum(['enforce', 'dry_run']),
    rules: z.array(ruleSchema),
  })
  .refine((p) => new Set(p.rules.map((r) => r.name)).size === p.rules.length, {
    message: 'rule names must be unique',
    path: ['rules'],
  });

export type Policy = z.output<typeof policySchema>;
export type PolicyRule = Policy['rules'][number];
export type PolicyMode = Policy['mode'];

/** Validates a parsed policy object; throws DG_ERR_CONFIG naming each bad field (`rules.2.action.duration: …`). */
export function parsePolicy(value: unknown, source = 'policy'): Policy {
  return parseOr(policySchema, value, (issues) => errors.config(`${source}: ${issues}`));
}

export function loadPolicy(file = DEFAULT_POLICY_FILE, modeOverride?: PolicyMode): Policy {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw errors.config(`cannot read policy file ${file}: ${(error as Error).message}`, error);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw errors.config(`policy file ${file} is not valid JSON: ${(error as Error).message}`, error);
  }
  const policy = parsePolicy(value, `policy file ${file}`);
  return modeOverride ? { ...policy, mode: modeOverride } : policy;
}
