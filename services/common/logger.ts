import { type Logger, pino } from 'pino';

export type { Logger };

/** Paths whose values never reach a log line (tokens, passwords, prompt text). */
const REDACT = [
  'password',
  'token',
  'authorization',
  '*.password',
  '*.*.password',
  '*.*.*.password',
  '*.token',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'prompt_text',
  '*.prompt_text',
];

/** One structured logger per process; components take `.child({ component })`. */
export function createLogger(
  options: { level?: string; name?: string; destination?: NodeJS.WritableStream } = {},
): Logger {
  const base = {
    level: options.level ?? 'info',
    name: options.name ?? 'distillguard',
    redact: { paths: REDACT, censor: '[redacted]' },
  };
  return options.destination ? pino(base, options.destination) : pino(base);
}

/** A logger that writes nothing, for tests and library callers that pass none. */
export const silentLogger: Logger = pino({ level: 'silent' });
