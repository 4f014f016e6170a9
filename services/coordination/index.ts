export type { CoordinationOptions } from '../common/config/coordination-options.ts';
export { coordinationOptionsSchema } from '../common/config/coordination-options.ts';
export type { CoordinationEngine, CoordinationStats } from './engine.ts';
export { createCoordinationEngine, stage2Options } from './engine.ts';
export type { CoordinationSnapshot } from './engine-snapshot.ts';
export { coordinationSnapshotSchema } from './engine-snapshot.ts';
export { KeyProfile } from './key-profile.ts';
export type { KeySignature } from './key-signature.ts';
export { keySignatureSchema, SIGNATURE_LIMITS } from './key-signature.ts';
