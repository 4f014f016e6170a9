import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import type { ClickHouse } from '../common/clickhouse/client.ts';
import { sql } from '../common/clickhouse/sql.ts';
import { table } from '../common/clickhouse/table.ts';
import { type Principal, type Role, roleSchema } from './principal.ts';
import { hashToken, newTokenId, newTokenValue, tokenIdOf, tokenMatches } from './token-secret.ts';

export const tokenRecordSchema = z.object({
  token_id: z.string(),
  name: z.string(),
  role: roleSchema,
  created_at: z.string(),
  revoked_at: z.string().nullable(),
});
type TokenRecord = z.infer<typeof tokenRecordSchema>;

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
const liveIdRowSchema = z.object({ token_id: z.string() });

export interface TokenStore {
  /** Creates a token; the returned `token` text is shown once and never stored. */
  create(input: { name: string; role: Role }): Promise<{ token: string; record: TokenRecord }>;
  list(): Promise<TokenRecord[]>;
  /** Marks a token revoked; false when no such token. Takes effect within the cache TTL. */
  revoke(tokenId: string): Promise<boolean>;
  /** The principal of a valid, unrevoked token, or null. */
  authenticate(token: string): Promise<Principal | null>;
  /** Like `authenticate` but from fresh cache entries only, never asking the store; null when not known valid. */
  cachedPrincipal(token: string): Principal | null;
}

const toDateTime = (ms: number) => Math.floor(ms / 1000);

/** A stored row as the caches keep it: its hash decoded and its principal built once, not per request. */
interface FoundToken {
  hash: Buffer;
  /** null when revoked. */
  principal: Readonly<Principal> | null;
  /** When the read that produced it started, on the store's clock. */
  readAtMs: number;
}

const foundOf = (row: StoredRow, readAtMs: number): FoundToken => ({
  readAtMs,
  hash: Buffer.from(row.token_hash, 'hex'),
  principal: row.revoked_at === null ? Object.freeze({ tokenId: row.token_id, name: row.name, role: row.role }) : null,
});

function principalOf(token: string, found: FoundToken | null): Principal | null {
  if (!found?.principal || !tokenMatches(token, found.hash)) return null;
  return found.principal;
}
const withoutSecret = ({ token_hash: _h, version: _v, ...record }: StoredRow): TokenRecord => record;

/** Most token ids whose lookup (found or not) is remembered; beyond it the least recently used is forgotten. */
const CACHE_CAPACITY = 10_000;
/** An id missing from the list of live token ids is rejected without a query until the list is this old. */
const ID_LIST_REFRESH_MS = 1_000;
/**
 * A token in use is re-read in the background once its entry is this share of `cacheMs` old, so a busy gateway's
 * entry is renewed before it goes stale and its requests never wait for ClickHouse (before, every connection of a
 * gateway missed at once each time the entry expired, and each waited on its own query). A stale entry is still never
 * used, so a revocation takes effect within `cacheMs` as before.
 */
const RENEW_AT_SHARE_OF_TTL = 0.5;

/**
 * Lookups remembered for `cacheMs` on the store's clock, at most CACHE_CAPACITY (least recently used evicted). An
 * entry is stale once its age reaches `cacheMs`; lru-cache keeps one while its age is ≤ `ttl`, hence `cacheMs - 1`
 * (whole milliseconds). `ttlResolution: 0` reads the clock on every check (a test's clock jumps).
 */
const freshFor = <V extends {}>(cacheMs: number, now: () => number) =>
  new LRUCache<string, V>({ max: CACHE_CAPACITY, ttl: Math.max(cacheMs - 1, 1), ttlResolution: 0, perf: { now } });

/**
 * ClickHouse-backed token store with short in-memory caches so lookups stay off the hot path: found tokens and
 * unknown ids are cached apart (a flood of unknown ids never evicts a valid token), and an id absent from the list
 * of live token ids, re-read at most once a second, costs no query at all.
 */
export function createTokenStore(ch: ClickHouse, options: { cacheMs: number; now: () => number }): TokenStore {
  const found = freshFor<FoundToken>(options.cacheMs, options.now);
  const unknown = freshFor<true>(options.cacheMs, options.now);
  /** A ttl of 0 would mean forever: with `cacheMs` ≤ 1 (the CLI's 0) nothing is remembered. */
  const remember = options.cacheMs > 1;
  let liveIds = { value: new Set<string>(), at: Number.NEGATIVE_INFINITY };
  let liveIdsLoading: Promise<void> | null = null;

  async function readRow(tokenId: string): Promise<StoredRow | null> {
    const rows = await ch.query(
      sql`SELECT token_id, name, role, token_hash, toUnixTimestamp(created_at) AS created_s,
          if(isNull(revoked_at), NULL, toUnixTimestamp(revoked_at)) AS revoked_s, version
          FROM ${table(ch, 'api_tokens')} FINAL WHERE token_id = ${tokenId}`,
      storedRowSchema,
    );
    return rows[0] ?? null;
  }

  async function loadLiveIds(): Promise<void> {
    const at = options.now();
    const rows = await ch.query(
      sql`SELECT token_id FROM ${table(ch, 'api_tokens')} FINAL WHERE isNull(revoked_at)`,
      liveIdRowSchema,
    );
    liveIds = { value: new Set(rows.map((r) => r.token_id)), at };
  }

  /** False when the id is not a live token as of a list read within the last second (one read at a time). */
  async function mayBeLive(tokenId: string): Promise<boolean> {
    if (liveIds.value.has(tokenId)) return true;
    if (options.now() - liveIds.at < ID_LIST_REFRESH_MS) return false;
    liveIdsLoading ??= loadLiveIds().finally(() => {
      liveIdsLoading = null;
    });
    await liveIdsLoading;
    return liveIds.value.has(tokenId);
  }

  /** Token ids being read now: every caller of one id shares its read. */
  const reading = new Map<string, Promise<FoundToken | null>>();
  /** Counts writes, so a read that a write overtook does not put back what the write replaced. */
  let writes = 0;

  async function readAndRemember(tokenId: string): Promise<FoundToken | null> {
    const startedAt = options.now();
    const writesBefore = writes;
    const row = (await mayBeLive(tokenId)) ? await readRow(tokenId) : null;
    const entry = row && foundOf(row, startedAt);
    if (!remember || writes !== writesBefore) return entry;
    if (entry) {
      found.set(tokenId, entry);
      unknown.delete(tokenId);
    } else {
      unknown.set(tokenId, true);
      found.delete(tokenId);
    }
    return entry;
  }

  function readOnce(tokenId: string): Promise<FoundToken | null> {
    let pending = reading.get(tokenId);
    if (pending === undefined) {
      pending = readAndRemember(tokenId).finally(() => reading.delete(tokenId));
      reading.set(tokenId, pending);
    }
    return pending;
  }

  /**
   * Starts a background re-read of a token that was just accepted from an entry past RENEW_AT_SHARE_OF_TTL of its
   * life. A failed re-read changes nothing: the entry expires as it would have, and the first request after that
   * reads the store itself and reports the failure.
   */
  function renewIfAging(tokenId: string, hit: FoundToken): void {
    if (!remember || reading.has(tokenId)) return;
    if (options.now() - hit.readAtMs < options.cacheMs * RENEW_AT_SHARE_OF_TTL) return;
    readOnce(tokenId).catch(() => undefined);
  }

  async function cachedRow(tokenId: string): Promise<FoundToken | null> {
    const hit = found.get(tokenId);
    if (hit) return hit;
    if (unknown.get(tokenId)) return null;
    return readOnce(tokenId);
  }

  /** The principal when `token` matches the cached entry of its id; an entry getting old is renewed meanwhile. */
  function principalFromCache(token: string, tokenId: string, hit: FoundToken): Principal | null {
    const principal = principalOf(token, hit);
    if (principal) renewIfAging(tokenId, hit);
    return principal;
  }

  async function insertRow(
    row: Omit<StoredRow, 'created_at' | 'revoked_at'>,
    createdMs: number,
    revokedMs: number | null,
  ) {
    await ch.insert('api_tokens', [
      { ...row, created_at: toDateTime(createdMs), revoked_at: revokedMs === null ? null : toDateTime(revokedMs) },
    ]);
    writes += 1;
    found.delete(row.token_id);
    unknown.delete(row.token_id);
    if (row.version === 1) liveIds.value.add(row.token_id);
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
      const hit = await cachedRow(tokenId);
      return hit ? principalFromCache(token, tokenId, hit) : null;
    },
    cachedPrincipal(token) {
      const tokenId = tokenIdOf(token);
      if (tokenId === null) return null;
      const hit = found.get(tokenId);
      return hit ? principalFromCache(token, tokenId, hit) : null;
    },
  };
}
