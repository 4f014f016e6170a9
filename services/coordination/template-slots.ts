import { hammingDistance, type PromptFingerprint } from '../common/text/fingerprint.ts';

/** Prompts within this many bits of a slot's centroid are the same template (unrelated prompts sit near 32). */
export const SLOT_RADIUS = 12;
export const TEMPLATE_SLOTS = 4;
const VOTE_LIMIT = 127;

/** One template a key keeps sending: per-bit majority votes give a centroid that converges on the fixed wording. */
export interface TemplateSlot {
  votes: Int8Array;
  centroid: PromptFingerprint;
  count: number;
  error: number;
}

/** Adds one fingerprint's bits to 32 votes (`offset` 0 for the high half, 32 for the low) and returns the
 * majority bits of that half; a tie keeps the current centroid bit. */
function voteHalf(votes: Int8Array, offset: number, word: number, current: number): number {
  let out = 0;
  for (let i = 0; i < 32; i++) {
    const mask = 1 << (31 - i);
    const next = votes[offset + i]! + ((word & mask) !== 0 ? 1 : -1);
    const v = Math.max(-VOTE_LIMIT, Math.min(VOTE_LIMIT, next));
    votes[offset + i] = v;
    if (v > 0 || (v === 0 && (current & mask) !== 0)) out |= mask;
  }
  return out >>> 0;
}

/** Folds `fp` into the slot's votes and moves its centroid to the new per-bit majority. */
function vote(slot: TemplateSlot, fp: PromptFingerprint): void {
  const hi = voteHalf(slot.votes, 0, fp.hi, slot.centroid.hi);
  const lo = voteHalf(slot.votes, 32, fp.lo, slot.centroid.lo);
  slot.centroid = { hi, lo };
}

function newSlot(fp: PromptFingerprint, count: number, error: number): TemplateSlot {
  const slot = { votes: new Int8Array(64), centroid: { hi: fp.hi >>> 0, lo: fp.lo >>> 0 }, count, error };
  vote(slot, fp);
  return slot;
}

function nearestSlot(slots: TemplateSlot[], fp: PromptFingerprint): TemplateSlot | undefined {
  let best: TemplateSlot | undefined;
  let bestDistance = SLOT_RADIUS + 1;
  for (const slot of slots) {
    const d = hammingDistance(slot.centroid, fp);
    if (d < bestDistance) {
      best = slot;
      bestDistance = d;
    }
  }
  return best;
}

/** Folds one prompt fingerprint into a key's bounded template slots (Space-Saving eviction of the rarest). */
export function addToSlots(slots: TemplateSlot[], fp: PromptFingerprint): void {
  const slot = nearestSlot(slots, fp);
  if (slot) {
    slot.count++;
    vote(slot, fp);
    return;
  }
  if (slots.length < TEMPLATE_SLOTS) {
    slots.push(newSlot(fp, 1, 0));
    return;
  }
  let smallest = 0;
  for (let i = 1; i < slots.length; i++) if (slots[i]!.count < slots[smallest]!.count) smallest = i;
  restartSlot(slots[smallest]!, fp);
}

/**
 * Space-Saving's replacement of the rarest slot, in place: unrelated prompts evict a slot on most events, and its
 * vote buffer is reused rather than allocated per event. `vote` replaces the centroid object, never changes it
 * (template families keep centroids as leaders); after one vote on cleared votes the centroid is the fingerprint.
 */
function restartSlot(slot: TemplateSlot, fp: PromptFingerprint): void {
  slot.votes.fill(0);
  vote(slot, fp);
  slot.error = slot.count;
  slot.count++;
}
