import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { Logger } from '../common/logger.ts';
import { silentLogger } from '../common/logger.ts';

type TfBackendChoice = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export type TfBackendName = 'tensorflow' | 'wasm' | 'cpu';

export interface TfRuntimeOptions {
  /** `auto` tries tfjs-node, then wasm, then cpu; a named backend is tried first, then the rest in that order. */
  backend?: TfBackendChoice;
  logger?: Logger;
  /** Loads tfjs-node (registers the `tensorflow` backend); replaceable so tests can exercise the fallback. */
  loadNodeBinding?: () => Promise<unknown>;
}

const ORDER: TfBackendName[] = ['tensorflow', 'wasm', 'cpu'];
// A variable specifier keeps TypeScript from requiring tfjs-node's types; it is optional at run time.
const TFJS_NODE = '@tensorflow/tfjs-node';

let selected: Promise<TfBackendName> | undefined;
let wasmPathsSet = false;

/** Picks and initialises the fastest available backend once per process; later calls return the same choice. */
export function initTf(options: TfRuntimeOptions = {}): Promise<TfBackendName> {
  selected ??= selectBackend(options).catch((error: unknown) => {
    selected = undefined;
    throw error;
  });
  return selected;
}

/** Tries backends in preference order and activates the first that initialises; exported for tests. */
export async function selectBackend(options: TfRuntimeOptions = {}): Promise<TfBackendName> {
  const logger = (options.logger ?? silentLogger).child({ component: 'tfjs' });
  // Prod mode skips per-op debug checks and silences tfjs's "install tfjs-node" console banner.
  tf.enableProdMode();
  for (const name of preferenceOrder(options.backend ?? 'auto')) {
    const failure = await tryBackend(name, options);
    if (failure === undefined) {
      logger.info({ backend: name, tfjs: tf.version.tfjs }, 'tensorflow.js backend selected');
      return name;
    }
    logger.debug({ backend: name, reason: failure }, 'tensorflow.js backend unavailable');
  }
  throw new Error('no TensorFlow.js backend could be initialised');
}

function preferenceOrder(choice: TfBackendChoice): TfBackendName[] {
  return choice === 'auto' ? ORDER : [choice, ...ORDER.filter((b) => b !== choice)];
}

/** Returns undefined when the backend is active, else why it is not. */
async function tryBackend(name: TfBackendName, options: TfRuntimeOptions): Promise<string | undefined> {
  try {
    if (name === 'tensorflow') await (options.loadNodeBinding ?? (() => import(TFJS_NODE)))();
    if (name === 'wasm') pointWasmAtPackageFiles();
    if (!tf.findBackendFactory(name)) return `backend '${name}' is not registered`;
    if (!(await tf.setBackend(name))) return `backend '${name}' failed to initialise`;
    await tf.ready();
    return undefined;
  } catch (error) {
    return (error as Error).message ?? String(error);
  }
}

/** In Node the wasm module reads its binary with fs, so a directory path (not an http URL) is what it needs. */
function pointWasmAtPackageFiles(): void {
  if (wasmPathsSet) return;
  const entry = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(dirname(entry) + sep);
  wasmPathsSet = true;
}

export { tf };
