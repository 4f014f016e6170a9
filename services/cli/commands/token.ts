import { roleSchema } from '../../auth/principal.ts';
import { createTokenStore } from '../../auth/token-store.ts';
import { createClickHouse } from '../../common/clickhouse/client.ts';
import { loadConfig } from '../../common/config/index.ts';
import { errors } from '../../common/errors.ts';
import { parseCommandArgs } from '../args.ts';

export const summary = 'API tokens: create --role R --name N (prints the token once), list, revoke ID';

export const usage = `usage: distillguard token create --role analyst|investigator|gateway|admin --name NAME
       distillguard token list
       distillguard token revoke TOKEN_ID`;

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub) {
    console.log(usage);
    return 2;
  }
  const config = loadConfig();
  const ch = createClickHouse(config.clickhouse);
  const tokens = createTokenStore(ch, { cacheMs: 0, now: Date.now });
  try {
    if (sub === 'create') {
      const { values: f } = parseCommandArgs('token', rest, { role: { type: 'string' }, name: { type: 'string' } });
      const role = roleSchema.safeParse(f.role);
      if (!role.success) throw errors.badInput(`--role must be one of ${roleSchema.options.join(', ')}\n${usage}`);
      if (!f.name) throw errors.badInput(`--name is required\n${usage}`);
      const { token, record } = await tokens.create({ name: f.name, role: role.data });
      console.error(`created token ${record.token_id} (${record.role}, ${record.name}); it is shown only once:`);
      console.log(token);
      return 0;
    }
    if (sub === 'list') {
      for (const t of await tokens.list())
        console.log(
          [
            t.token_id,
            t.role.padEnd(12),
            t.name,
            t.created_at,
            t.revoked_at ? `revoked ${t.revoked_at}` : 'active',
          ].join('\t'),
        );
      return 0;
    }
    if (sub === 'revoke' && rest.length === 1) {
      if (!(await tokens.revoke(rest[0]!))) throw errors.notFound(`token ${rest[0]}`);
      console.log(`revoked ${rest[0]}`);
      return 0;
    }
    throw errors.badInput(`unknown token command '${argv.join(' ')}'\n${usage}`);
  } finally {
    await ch.close();
  }
}
