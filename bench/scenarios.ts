import { checkpoint } from './checkpoint.ts';
import { endToEnd, endToEndTwoProcesses } from './end-to-end.ts';
import { gatewayDecisions } from './gateway-decisions.ts';
import { hotPath } from './hot-path.ts';
import { investigatorQueries } from './investigator-queries.ts';
import { kafkaClientComparison } from './kafka-client-comparison.ts';
import type { Scenario } from './lib/scenario.ts';
import { memory } from './memory.ts';

/** Every scenario, in report order; `bench/run.ts --only <name>` picks some. */
export const SCENARIOS: readonly Scenario[] = [
  hotPath,
  endToEnd,
  endToEndTwoProcesses,
  memory,
  checkpoint,
  gatewayDecisions,
  investigatorQueries,
  kafkaClientComparison,
];
