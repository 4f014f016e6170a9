import os from 'node:os';
import type { Figure, ScenarioResult } from './results-schema.ts';
import { NotRunError, type RunOptions, type Scenario, type Session } from './scenario.ts';
import { summariseRuns } from './stats.ts';

const message = (error: unknown) => (error as Error)?.message ?? String(error);

/** Starts a scenario, runs it the configured number of times, collects notes, always closes it. */
export async function runScenario(
  scenario: Scenario,
  options: RunOptions,
  runsOverride?: number,
): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const base = {
    name: scenario.name,
    title: scenario.title,
    target: scenario.target,
    measuredAt: new Date(startedAt).toISOString(),
    smoke: options.smoke,
    loadBefore: os.loadavg()[0] ?? 0,
  };
  const count = runsOverride ?? (options.smoke ? scenario.runs.smoke : scenario.runs.full);
  const runs: Figure[][] = [];
  const finish = (fields: Pick<ScenarioResult, 'status' | 'reason' | 'figures' | 'notes'>): ScenarioResult => {
    if (runs.length < count) options.onRun?.(scenario.name, count - runs.length - 1);
    return { ...base, ...fields, durationS: (Date.now() - startedAt) / 1000 };
  };
  let session: Session;
  try {
    session = await scenario.start(options);
  } catch (error) {
    const status = error instanceof NotRunError ? 'not_run' : 'failed';
    return finish({ status, reason: message(error), figures: [], notes: [] });
  }
  try {
    for (let i = 0; i < count; i++) {
      options.log(`${scenario.name}: run ${i + 1}/${count}`);
      runs.push(await session.run(i));
      options.onRun?.(scenario.name);
    }
    const notes = (await session.notes?.()) ?? [];
    return finish({ status: 'ran', reason: '', figures: summariseRuns(runs), notes });
  } catch (error) {
    const status = error instanceof NotRunError ? 'not_run' : 'failed';
    return finish({ status, reason: message(error), figures: runs.length ? summariseRuns(runs) : [], notes: [] });
  } finally {
    await session.close().catch((error) => options.log(`${scenario.name}: cleanup failed: ${message(error)}`));
  }
}
