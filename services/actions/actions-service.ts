import type { Alert } from '../../schemas/alert-v1.ts';
import type {
  AlertResolution,
  BreakerStatus,
  Decision,
  KeyAction,
  KeyActionState,
  LimitRecommendation,
  ManualActionInput,
  ManualLiftInput,
} from './action-schema.ts';

export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** Automatic throttling, manual actions and gateway decisions (issue 5 item 5). */
export interface ActionsService {
  /** Policy → actions: `enforce`, `dry_run`, or `recommendation` when the breaker is open or the alert suppressed. */
  handleAlert(alert: Alert, context?: { suppressed?: boolean }): Promise<KeyAction[]>;
  applyManual(input: ManualActionInput): Promise<KeyAction>;
  /** Lifts every active action on the key; returns the `lift` audit rows (empty when nothing was active). */
  liftManual(input: ManualLiftInput): Promise<KeyAction[]>;
  /** For `false_positive`/`benign_heavy_user`, lifts the automatic actions the alert caused; returns the lifts. */
  onAlertResolved(resolution: AlertResolution): Promise<KeyAction[]>;
  /** Synchronous, from memory: what a gateway should do with the key at `nowMs`. */
  decision(api_key_id: string, nowMs: number): Decision;
  /** Active enforced actions on the key (effective first), from memory. */
  activeActions(api_key_id: string, nowMs: number): KeyActionState | null;
  recommendLimits(api_key_id: string, range: TimeRange): Promise<LimitRecommendation>;
  breakerStatus(nowMs: number): BreakerStatus;
  /** Rebuilds the decision table from the compacted topic and starts consuming it and the expiry sweep. */
  start(): Promise<void>;
  /** Stops the sweep and the topic consumer. Safe to call twice. */
  close(): Promise<void>;
}
