import { z } from 'zod';
import { table } from '../alerts-store/table.ts';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { type Principal, type Role, roleSchema } from './roles.ts';
import { hashToken, newTokenId, newTokenValue, tokenIdOf, tokenMatches } from './token-secret.ts';

export const tokenRecordSchema = z.object({
  token_id: z.string(),
  name: z.string(),
  role: roleSchema,
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
export type TokenRecord = z.infer<typeof tokenRecordSchema>;

const isoFromSeconds = (s: number) => new Date(s * 1000).toISOString();
const storedRowSchema = z
  .object({
    token_id: z.string(),
    name: z.string(),
    role: roleSchema,
    token_hash: z.string(),
    created_s: z.coerce.number(),
    revoked_s: z.coerce.number().nullable(),
    version: z.coerce.number(),
  })
  .transform(({ created_s, revoked_s, ...r }) => ({
    ...r,
    created_at: isoFromSeconds(created_s),
    revoked_at: revoked_s === null ? null : isoFromSeconds(revoked_s),
  }));
type StoredRow = z.infer<typeof storedRowSchema>;

export interface TokenStore {
  /** Creates a token; the returned `token` text is shown once and never stored. */
  create(input: { name: string; role: Role }): Promise<{ token: string; record: TokenRecord }>;
  list(): Promise<TokenRecord[]>;
  /** Marks a token revoked; false when no such token. Takes effect within the cache TTL. */
  revoke(tokenId: string): Promise<boolean>;
  /** The principal of a valid, unrevoked token, or null. */
  authenticate(token: string): Promise<Principal | null>;
}

const toDateTime = (ms: number) => Math.floor(ms / 1000);
const withoutSecret = ({ token_hash: _h, version: _v, ...record }: StoredRow): TokenRecord => record;

/** ClickHouse-backed token store with a short in-memory cache so lookups stay off the hot path. */
export function createTokenStore(ch: ClickHouse, options: { cacheMs: number; now: () => number }): TokenStore {
  const cache = new Map<string, { row: StoredRow | null; at: number }>();

  async function readRow(tokenId: string): Promise<StoredRow | null> {
    const rows = await ch.query(
      sql`SELECT token_id, name, role, token_hash, toUnixTimestamp(created_at) AS created_s,
          if(isNull(revoked_at), NULL, toUnixTimestamp(revoked_at)) AS revoked_s, version
          FROM ${table(ch, 'api_tokens')} FINAL WHERE token_id = ${tokenId}`,
      storedRowSchema,
    );
    return rows[0] ?? null;
  }

  async function cachedRow(tokenId: string): Promise<StoredRow | null> {
    const hit = cache.get(tokenId);
    if (hit && options.now() - hit.at < options.cacheMs) return hit.row;
    const row = await readRow(tokenId);
    if (cache.size > 10_000) cache.clear();
    cache.set(tokenId, { row, at: options.now() });
    return row;
  }

  async function insertRow(
    row: Omit<StoredRow, 'created_at' | 'revoked_at'>,
    createdMs: number,
    revokedMs: number | null,
  ) {
    await ch.insert('api_tokens', [
      { ...row, created_at: toDateTime(createdMs), revoked_at: revokedMs === null ? null : toDateTime(revokedMs) },
    ]);
    cache.delete(row.token_id);
  }

  return {
    async create({ name, role }) {
      const tokenId = newTokenId();
      const token = newTokenValue(tokenId);
      const now = options.now();
      await insertRow({ token_id: tokenId, name, role, token_hash: hashToken(token), version: 1 }, now, null);
      const record = (await readRow(tokenId)) as StoredRow;
      return { token, record: withoutSecret(record) };
    },
    async list() {
      const rows = await ch.query(
        sql`SELECT token_id, name, role, token_hash, toUnixTimestamp(created_at) AS created_s,
            if(isNull(revoked_at), NULL, toUnixTimestamp(revoked_at)) AS revoked_s, version
            FROM ${table(ch, 'api_tokens')} FINAL ORDER BY created_at, token_id`,
        storedRowSchema,
      );
      return rows.map(withoutSecret);
    },
    async revoke(tokenId) {
      const row = await readRow(tokenId);
      if (!row) return false;
      if (row.revoked_at !== null) return true;
      const createdMs = Date.parse(row.created_at);
      const { created_at: _c, revoked_at: _r, ...rest } = row;
      await insertRow({ ...rest, version: row.version + 1 }, createdMs, options.now());
      return true;
    },
    async authenticate(token) {
      const tokenId = tokenIdOf(token);
      if (!tokenId) return null;
      const row = await cachedRow(tokenId);
      if (!row || row.revoked_at !== null || !tokenMatches(token, row.token_hash)) return null;
      return { tokenId: row.token_id, name: row.name, role: row.role };
    },
  };
}
