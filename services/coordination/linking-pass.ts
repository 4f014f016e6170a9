import type { Alert } from '../../schemas/alert-v1.ts';
import { fingerprintToHex } from '../common/text/fingerprint.ts';
import type { AlertLog } from './alert-log.ts';
import { buildClusterAlert, severityOf } from './cluster-alert.ts';
import { type ClusterContext, scoreCluster } from './cluster-score.ts';
import type { KeyRecord, KeyRegistry } from './key-registry.ts';
import { linkKeys } from './linker.ts';
import type { CoordinationOptions } from './options.ts';

function percentile90(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.floor(0.9 * (sorted.length - 1))] ?? 0;
}

/** Analyst-readable form of an evidence token. */
function describer(registry: KeyRegistry): (token: string) => string {
  return (token) => {
    const value = token.slice(2);
    switch (token[0]) {
      case 't': {
        const leader = registry.families.leader(Number(value));
        return `template family ${leader ? fingerprintToHex(leader.fp) : value}`;
      }
      case 's':
        return `system prompt sha256 ${value.slice(0, 16)}…`;
      case 'a':
        return `AS${value}`;
      default:
        return `network ${value}`;
    }
  };
}

/**
 * One linking pass at event time `nowMs`: evict idle keys, refresh changed ones, link, score each linked group
 * and raise an alert for each group that scores as one actor and is not silenced by the cooldown (during the
 * warm-up, `raiseAlerts` is false and the pass only keeps the indexes current).
 */
export function runLinkingPass(
  registry: KeyRegistry,
  log: AlertLog,
  nowMs: number,
  o: CoordinationOptions,
  raiseAlerts: boolean,
): Alert[] {
  registry.evict(nowMs - o.keyIdleMs, o.maxKeys);
  const changed = registry.refresh();
  log.expire(nowMs);
  if (!raiseAlerts) return [];
  // A group none of whose keys changed scores as before: it was alerted or silenced already.
  const scale = { rareBackgroundKeys: o.rareBackgroundKeys, population: registry.records.size };
  const groups = linkKeys(registry.index, o)
    .filter((g) => g.some((id) => changed.has(id)))
    .map((g) => g.sort())
    .sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
  if (groups.length === 0) return [];
  const ctx: ClusterContext = {
    index: registry.index,
    scale,
    scheduleKnown: registry.withTiming,
    populationP90Events: percentile90([...registry.records.values()].map((r) => r.profile.events)),
    describe: describer(registry),
  };
  const alerts: Alert[] = [];
  for (const group of groups) {
    const members: KeyRecord[] = group.map((id) => registry.records.get(id)!);
    const score = scoreCluster(members, ctx);
    if (score.score < o.alertScore || score.dimensions < 2 || score.orgs < o.minOrgs) continue;
    const ids = members.map((m) => m.profile.apiKeyId);
    const decision = log.decide(ids, severityOf(score.score), nowMs);
    if (!decision.emit) continue;
    const profiles = members.map((m) => m.profile);
    const alert = buildClusterAlert({
      members: profiles,
      score,
      nowMs,
      escalates: decision.escalates,
      maxMembers: o.maxAlertMembers,
    });
    log.record(
      { alertId: alert.alert_id, raisedAtMs: nowMs, severity: alert.severity, members: ids },
      decision.escalates,
    );
    alerts.push(alert);
  }
  return alerts.sort((a, b) => (a.api_key_ids[0]! < b.api_key_ids[0]! ? -1 : 1));
}
