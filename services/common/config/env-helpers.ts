import { z } from 'zod';

/** `'a, b,,c'` → `['a', 'b', 'c']`. */
export const commaList = (s: string): string[] =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean);

/** Comma-separated list from an environment variable. */
export const csv = (fallback: string) => z.string().default(fallback).transform(commaList);

export const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z.coerce.number().int().min(min).max(max).default(fallback);

export const num = (fallback: number, min = 0, max = Number.MAX_VALUE) =>
  z.coerce.number().min(min).max(max).default(fallback);

export const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** A string; empty unless another fallback is given. */
export const str = (fallback = '') => z.string().default(fallback);

/** One of a fixed set of words. */
export const oneOf = <const T extends readonly [string, ...string[]]>(words: T, fallback: T[number]) =>
  z.enum(words).default(fallback);
