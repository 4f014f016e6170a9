import type { Alert } from '../../schemas/alert-v1.ts';
import type { CoordinationOptions } from '../common/config/coordination-options.ts';
import { fingerprintToHex } from '../common/text/fingerprint.ts';
import type { AlertLog } from './alert-log.ts';
import { buildClusterAlert, clusterSeverityOf } from './cluster-alert.ts';
import { type ClusterContext, scoreCluster } from './cluster-score.ts';
import { populationVolume } from './extraction-shape.ts';
import type { KeyRecord, KeyRegistry } from './key-registry.ts';
import { linkKeys } from './linker.ts';

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
      case 'v':
        return `prompt vocabulary band ${value}`;
      case 'a':
        return `AS${value}`;
      default:
        return `network ${value}`;
    }
  };
}

/**
 * One linking pass at event time `nowMs`: evict idle keys, refresh changed ones, link on shared content, score each
 * linked group and raise an alert for each that is one actor behaving like extraction across enough orgs and is not
 * silenced by the cooldown (during the warm-up, `raiseAlerts` is false and the pass only keeps the indexes current).
 */
export function runLinkingPass(
  registry: KeyRegistry,
  log: AlertLog,
  pass: { nowMs: number; startedAt: number; raiseAlerts: boolean },
  o: CoordinationOptions,
): Alert[] {
  const { nowMs } = pass;
  registry.evict(nowMs - o.keyIdleMs, o.maxKeys);
  const changed = registry.refresh();
  log.expire(nowMs);
  if (!pass.raiseAlerts) return [];
  const scale = { rareOrgs: o.rareOrgs, orgs: registry.index.orgCount };
  // A group none of whose keys changed scores as before: it was alerted or silenced already.
  const groups = linkKeys(registry.index, scale, o).filter((g) => g.members.some((id) => changed.has(id)));
  if (groups.length === 0) return [];
  const ctx: ClusterContext = {
    index: registry.index,
    scale,
    scheduleKnown: registry.withTiming,
    population: populationVolume([...registry.records.values()].map((r) => r.profile)),
    startedAt: pass.startedAt,
    describe: describer(registry),
  };
  const alerts: Alert[] = [];
  for (const group of groups) {
    const members: KeyRecord[] = group.members.map((id) => registry.records.get(id)!);
    const score = scoreCluster(members, group.cohesion, ctx);
    if (score.score < o.alertScore || score.extraction < o.minExtraction || score.orgs < o.minOrgs) continue;
    const decision = log.decide(group.members, clusterSeverityOf(score.score), nowMs);
    if (!decision.emit) continue;
    const alert = buildClusterAlert({
      members: members.map((m) => m.profile),
      score,
      nowMs,
      escalates: decision.escalates,
      maxMembers: o.maxAlertMembers,
    });
    log.record(
      { alertId: alert.alert_id, raisedAtMs: nowMs, severity: alert.severity, members: group.members },
      decision.escalates,
    );
    alerts.push(alert);
  }
  return alerts;
}
