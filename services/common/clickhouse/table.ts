import type { ClickHouse } from './client.ts';
import { ident, type SqlQuery, sql } from './sql.ts';

/** `db`.`table` for the client's database; both names pass the identifier check. */
export function table(ch: ClickHouse, name: string): SqlQuery {
  return sql`${ident(ch.database)}.${ident(name)}`;
}
