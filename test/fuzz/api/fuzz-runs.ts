import type { Role } from '../../../services/auth/principal.ts';
import type { FuzzServer } from './fuzz-server.ts';

/** One schemathesis invocation: who calls, which operations, how hard. */
export interface FuzzRun {
  name: string;
  /** Role of `token`, or '' when the run carries no valid token (every secured operation must answer 401). */
  role: Role | '';
  token: string | null;
  args: string[];
}

export type FuzzMode = 'short' | 'full';

/** A run still going after this long is stopped and counted as failed. */
export const RUN_TIMEOUT_MS: Record<FuzzMode, number> = { short: 120_000, full: 1_200_000 };

/** DELETE /v1/tokens/{id} is the only operation on this path. */
const REVOKE_OPERATION = ['--include-path', '/v1/tokens/{id}'];
const EXCLUDE_REVOKE = ['--exclude-path-regex', '^/v1/tokens/\\{id\\}$'];

/**
 * Examples per operation, phases, and for the admin run a time budget (schemathesis then repeats fuzzing and
 * stateful testing until the budget is spent). Role and no-token runs only need each operation's 401/403 answer to
 * be checked under varied input, so they stop after their examples.
 */
const BUDGET: Record<FuzzMode, Record<'main' | 'role' | 'anonymous', string[]>> = {
  short: {
    main: ['--max-examples', '15', '--max-time', '45'],
    role: ['--max-examples', '10', '--phases', 'examples,fuzzing'],
    anonymous: ['--max-examples', '5', '--phases', 'examples,fuzzing'],
  },
  full: {
    main: ['--max-examples', '200', '--max-time', '600'],
    role: ['--max-examples', '30'],
    anonymous: ['--max-examples', '20', '--phases', 'examples,coverage,fuzzing'],
  },
};

/** Admin fuzzes everything with schema checks; other roles and no token check the 401/403 answers, never a 5xx. */
export function planRuns(server: FuzzServer, mode: FuzzMode): FuzzRun[] {
  const budget = BUDGET[mode];
  const roles: Role[] = ['analyst', 'investigator', 'gateway'];
  return [
    { name: 'admin', role: 'admin', token: server.tokens.admin, args: [...budget.main, ...EXCLUDE_REVOKE] },
    ...roles.map((role) => ({
      name: role,
      role,
      token: server.tokens[role],
      args: [...budget.role, ...EXCLUDE_REVOKE],
    })),
    { name: 'no-token', role: '', token: null, args: budget.anonymous },
    { name: 'revoked-token', role: '', token: server.revoked, args: budget.anonymous },
    // Revoking runs last: stateful testing would follow GET /v1/tokens → DELETE and revoke the fuzzer's own tokens.
    {
      name: 'admin-revoke',
      role: 'admin',
      token: server.tokens.admin,
      args: [
        ...REVOKE_OPERATION,
        '--max-examples',
        mode === 'short' ? '10' : '100',
        '--phases',
        'examples,coverage,fuzzing',
      ],
    },
  ];
}
