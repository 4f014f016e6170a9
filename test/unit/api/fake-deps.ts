import type { AppDeps } from '../../../services/api/deps.ts';
import type { Principal, Role } from '../../../services/auth/principal.ts';
import type { TokenStore } from '../../../services/auth/token-store.ts';
import type { ClickHouse } from '../../../services/common/clickhouse/client.ts';
import type { SqlQuery } from '../../../services/common/clickhouse/sql.ts';
import { loadConfig } from '../../../services/common/config/index.ts';
import { silentLogger } from '../../../services/common/logger.ts';
import { MetricsRegistry } from '../../../services/common/metrics-registry.ts';

/** API configuration for tests: responses checked against their schemas (a mismatch is a 500), quiet logs. */
export const testApiConfig = (env: Record<string, string> = {}) =>
  loadConfig({ DG_LOG_LEVEL: 'silent', DG_API_VALIDATE_RESPONSES: '1', ...env });

/** An in-memory token store: one token per role, `token(role)` gives its text. */
export function fakeTokens(): TokenStore & { token(role: Role): string; revokedIds: Set<string> } {
  const byToken = new Map<string, Principal>();
  const revokedIds = new Set<string>();
  const roles: Role[] = ['analyst', 'investigator', 'gateway', 'admin'];
  roles.forEach((role, i) => {
    const id = `${i}`.padStart(16, '0');
    byToken.set(`dg_${id}_${'x'.repeat(42)}${i}`, { tokenId: id, name: `${role}-test`, role });
  });
  return {
    revokedIds,
    token: (role) => [...byToken].find(([, p]) => p.role === role)![0],
    create: async () => {
      throw new Error('not used');
    },
    list: async () => [],
    revoke: async (id) => revokedIds.add(id) && true,
    authenticate: async (token) => {
      const p = byToken.get(token);
      return p && !revokedIds.has(p.tokenId) ? p : null;
    },
    cachedPrincipal: () => null,
  };
}

/** A ClickHouse double that records queries and answers from `answer` (default: no rows). */
export function fakeClickHouse(answer: (q: string) => Array<Record<string, unknown>> = () => []) {
  const queries: string[] = [];
  const ch: ClickHouse & { queries: string[]; pingOk: boolean } = {
    database: 'fake',
    queries,
    pingOk: true,
    command: async (q: SqlQuery) => void queries.push(q.text),
    queryRaw: async (q: SqlQuery) => {
      queries.push(q.text);
      return answer(q.text);
    },
    async query(q, schema) {
      return (await this.queryRaw(q)).map((r) => schema.parse(r));
    },
    stream: async () => {
      throw new Error('not used');
    },
    insert: async () => undefined,
    async ping() {
      return this.pingOk;
    },
    close: async () => undefined,
  };
  return ch;
}

export function fakeDeps(overrides: Partial<AppDeps> = {}) {
  const tokens = fakeTokens();
  const clickhouse = fakeClickHouse();
  const deps: AppDeps = {
    config: testApiConfig(),
    logger: silentLogger,
    clickhouse,
    tokens,
    now: () => Date.parse('2026-03-01T12:00:00Z'),
    metrics: new MetricsRegistry(),
    ...overrides,
  };
  return { deps, tokens, clickhouse };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
