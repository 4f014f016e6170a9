import { errors } from '../errors.ts';

/**
 * The one audited place where values become SQL text. ClickHouse 18.16 has no server-side query parameters, so
 * every value is encoded here as a literal; nothing else in the codebase may build SQL from user input.
 */
export class SqlQuery {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** A validated identifier (database, table, column): letters, digits, underscore; never quoted user text. */
export class SqlIdentifier {
  constructor(readonly name: string) {}
}

/** Trusted SQL text chosen by code, never by input (e.g. a column picked from an allowlist). */
export class SqlFragment {
  constructor(readonly text: string) {}
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
const NEEDS_ESCAPE = /[\\'\0\b\f\n\r\t]/g;

export function ident(name: string): SqlIdentifier {
  if (!IDENTIFIER.test(name)) throw errors.sqlEncode(`not a plain identifier: ${JSON.stringify(name.slice(0, 64))}`);
  return new SqlIdentifier(name);
}

export function trusted(text: string): SqlFragment {
  return new SqlFragment(text);
}

function encodeString(value: string): string {
  if (LONE_SURROGATE.test(value)) throw errors.sqlEncode('string contains a lone UTF-16 surrogate');
  return `'${value.replace(NEEDS_ESCAPE, (c) => ESCAPES[c] ?? c)}'`;
}

function encodeNumber(value: number): string {
  if (!Number.isFinite(value)) throw errors.sqlEncode(`number is not finite: ${value}`);
  return String(value);
}

/** Encodes one value as a ClickHouse literal. Dates become UTC `toDateTime('YYYY-MM-DD hh:mm:ss', 'UTC')`. */
export function encodeValue(value: unknown): string {
  if (value instanceof SqlIdentifier) return `\`${value.name}\``;
  if (value instanceof SqlFragment) return value.text;
  if (value instanceof SqlQuery) return value.text;
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') return encodeString(value);
  if (typeof value === 'number') return encodeNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw errors.sqlEncode('invalid Date');
    return `toDateTime('${value.toISOString().slice(0, 19).replace('T', ' ')}', 'UTC')`;
  }
  if (Array.isArray(value)) return `[${value.map(encodeValue).join(', ')}]`;
  throw errors.sqlEncode(`unsupported value type ${Object.prototype.toString.call(value)}`);
}

/** Tagged template: `sql\`SELECT * FROM ${ident(t)} WHERE k = ${key}\`` with every value encoded. */
export function sql(strings: TemplateStringsArray, ...values: unknown[]): SqlQuery {
  let text = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) text += encodeValue(values[i]) + (strings[i + 1] ?? '');
  return new SqlQuery(text);
}

/** Joins encoded pieces with a trusted separator, e.g. optional WHERE conditions. */
export function joinSql(parts: SqlQuery[], separator: string): SqlQuery {
  return new SqlQuery(parts.map((p) => p.text).join(separator));
}
