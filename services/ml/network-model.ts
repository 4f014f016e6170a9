import type { LayersModel } from '@tensorflow/tfjs';
import { compileDenseProgram, type DenseProgram } from './dense-program.ts';
import type { Calibration, ModelMetadata } from './model-metadata.ts';
import type { StoredModel } from './model-store.ts';
import { normaliseRows } from './normalisation.ts';

/** What every scorer holds of a stored model: its network, metadata and calibration, and the plain-JS program. */
export abstract class NetworkModel<C extends Calibration> {
  readonly metadata: ModelMetadata;
  /** The underlying tfjs network (saved by training, disposed by `dispose`). */
  readonly layers: LayersModel;
  protected readonly calibration: C;
  /** The network as plain JS for one row at a time, or null when its layers do not allow it. */
  protected readonly program: DenseProgram | null;

  /** Throws `needs` when the model's calibration is not of `kind`. */
  constructor(stored: StoredModel, kind: C['kind'], needs: string) {
    if (stored.metadata.calibration.kind !== kind) throw new TypeError(`${stored.dir}: ${needs}`);
    this.layers = stored.model;
    this.metadata = stored.metadata;
    this.calibration = stored.metadata.calibration as C;
    this.program = compileDenseProgram(stored.model);
  }

  get width(): number {
    return this.metadata.features.length;
  }

  /** Raw feature rows as the network's normalised row-major input. */
  protected normalise(rows: readonly ArrayLike<number>[]): Float32Array {
    return normaliseRows(this.metadata.normalisation, rows);
  }

  dispose(): void {
    this.layers.dispose();
  }
}
