import { createRequire } from 'node:module';

/** True when `@tensorflow/tfjs-node` can be resolved from this repository (it is optional). */
export function tfjsNodeInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/** The backend `auto` must pick on this machine: tfjs-node when installed, else wasm. */
export const expectedAutoBackend = (): 'tensorflow' | 'wasm' => (tfjsNodeInstalled() ? 'tensorflow' : 'wasm');
