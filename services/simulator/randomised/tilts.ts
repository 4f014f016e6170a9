import type { ContextTilt } from './context.ts';

const ORGS_USUAL = [50, 15, 10, 8, 6, 4, 3, 2, 1, 1];
const ORGS_FEW = [75, 10, 6, 4, 2, 1, 1, 0.5, 0.3, 0.2];
const ORGS_ENTERPRISE = [0, 0, 0, 2, 5, 10, 25, 30, 18, 10];

const base: ContextTilt = {
  network: { cloud: 60, residential: 10, mobile: 2, corporate: 18, vpn: 10 },
  newKey: 0.12,
  orgSizes: ORGS_USUAL,
  foreignRegion: 0.08,
  travel: 0.05,
  rotatingCloud: 0.25,
};

/** How each benign segment leans in the shared attribute space (what makes a segment look the way it does). */
export const TILTS = {
  cloudApp: base,
  serverless: { ...base, network: { cloud: 100, residential: 0, mobile: 0, corporate: 0, vpn: 0 }, rotatingCloud: 1 },
  enterprise: {
    ...base,
    network: { cloud: 40, residential: 5, mobile: 3, corporate: 40, vpn: 12 },
    orgSizes: ORGS_ENTERPRISE,
    travel: 0.3,
  },
  startup: {
    ...base,
    newKey: 1,
    orgSizes: ORGS_FEW,
    network: { cloud: 55, residential: 30, mobile: 5, corporate: 0, vpn: 10 },
  },
  travelling: { ...base, network: { cloud: 5, residential: 40, mobile: 35, corporate: 10, vpn: 10 }, travel: 1 },
  foreignRegion: {
    ...base,
    network: { cloud: 100, residential: 0, mobile: 0, corporate: 0, vpn: 0 },
    foreignRegion: 1,
  },
  developer: { ...base, network: { cloud: 15, residential: 40, mobile: 5, corporate: 28, vpn: 12 }, travel: 0.1 },
} satisfies Record<string, ContextTilt>;
