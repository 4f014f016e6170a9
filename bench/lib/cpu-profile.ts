import { z } from 'zod';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) needed for self time per function. */
export const cpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    }),
  ),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
});
export type CpuProfile = z.infer<typeof cpuProfileSchema>;

export interface SelfTime {
  /** `name (file:line)` with the repository prefix removed. */
  frame: string;
  ms: number;
  /** Share of all sampled time, 0–1. */
  share: number;
}

const MAX_NAME = 60;

function frameName(callFrame: CpuProfile['nodes'][number]['callFrame'], root: string): string {
  // V8 names a regular expression's code after its whole source; keep the start only.
  const full = callFrame.functionName || '(anonymous)';
  const name = full.length > MAX_NAME ? `${full.slice(0, MAX_NAME)}…` : full;
  if (!callFrame.url) return name;
  const file = callFrame.url.replace(/^file:\/\//, '').replace(root, '');
  return `${name} (${file}:${callFrame.lineNumber + 1})`;
}

/** Functions by self time (time on top of the stack), largest first, merged across identical frames. */
export function topSelfTime(profile: CpuProfile, limit: number, root = ''): SelfTime[] {
  const frameOf = new Map(profile.nodes.map((n) => [n.id, frameName(n.callFrame, root)]));
  const micros = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    // Each sample's delta is the time since the previous sample; attribute it to the sampled frame.
    const delta = profile.timeDeltas[i] ?? 0;
    const frame = frameOf.get(id) ?? '(unknown)';
    micros.set(frame, (micros.get(frame) ?? 0) + delta);
    total += delta;
  });
  return [...micros]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([frame, us]) => ({ frame, ms: us / 1000, share: total ? us / total : 0 }));
}
