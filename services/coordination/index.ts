export type { CoordinationEngine } from './engine.ts';
export { createCoordinationEngine, stage2Options } from './engine.ts';
export { KeyProfile } from './key-profile.ts';
export { keySignatureSchema, SIGNATURE_LIMITS } from './key-signature.ts';
