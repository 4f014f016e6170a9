import type { ActiveAction, KeyActionState } from './action-schema.ts';
import { orderActions } from './decision-table.ts';

/** The key's state with `action` added (or replaced, same id), effective action first. */
export function withAction(state: KeyActionState | null, action: ActiveAction, nowMs: number): KeyActionState {
  const others = (state?.actions ?? []).filter((a) => a.action_id !== action.action_id);
  return { api_key_id: action.api_key_id, actions: orderActions([...others, action]), updated_at_ms: nowMs };
}

/** Splits off the actions `remove` selects; `next` is null (a tombstone) when nothing stays active. */
export function withoutActions(
  state: KeyActionState,
  remove: (a: ActiveAction) => boolean,
  nowMs: number,
): { next: KeyActionState | null; removed: ActiveAction[] } {
  const removed = state.actions.filter(remove);
  const kept = state.actions.filter((a) => !remove(a));
  const next = kept.length ? { api_key_id: state.api_key_id, actions: kept, updated_at_ms: nowMs } : null;
  return { next, removed };
}
