import { readFileSync } from 'node:fs';
import { errors } from '../errors.ts';

export type ReadFile = (path: string) => Buffer;

/** Reads a PEM file named by a configuration variable; a missing or unreadable file is a DG_ERR_CONFIG naming both. */
export function readPemFile(variable: string, path: string, read: ReadFile = readFileSync): Buffer {
  try {
    return read(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException)?.code ?? String((error as Error)?.message ?? error);
    throw errors.config(`${variable}: cannot read ${path} (${reason})`);
  }
}
