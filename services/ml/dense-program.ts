import type { LayersModel } from '@tensorflow/tfjs';

/** One Dense layer's weights, copied out of tfjs: kernel row-major [inputs × units]. */
interface DenseStep {
  name: string;
  input: string;
  kernel: Float32Array;
  bias: Float32Array;
  inputs: number;
  units: number;
  relu: boolean;
}

/**
 * A network of Dense (relu/linear) layers evaluated in plain JavaScript. For networks this small, tfjs's
 * per-call overhead (tensor allocation, one kernel launch per op) is ~100× the arithmetic; scoring one snapshot
 * this way costs microseconds. Training and batch scoring stay on tfjs; tests hold both paths to the same outputs.
 */
export interface DenseProgram {
  inputWidth: number;
  /** Output widths, in model output order. */
  outputWidths: number[];
  /**
   * The outputs for one row, in buffers the program reuses: valid until its next `run` (read them, or copy them, at
   * once). Allocation-free; the same arithmetic, in the same order, as `runOccluded`'s first row and tfjs's layers.
   */
  run(row: ArrayLike<number>): Float64Array[];
  /**
   * Outputs for the row and then for the row with each input in turn set to 0 (occlusion), reusing the first
   * layer's pre-activation: the first layer is linear in its input, so zeroing input j subtracts x_j · W[j].
   */
  runOccluded(row: ArrayLike<number>): Float64Array[][];
}

const INPUT = '(input)';

/** Compiles a model whose layers are all Dense with relu or linear activation; null for anything else. */
export function compileDenseProgram(model: LayersModel): DenseProgram | null {
  const steps: DenseStep[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === 'InputLayer') continue;
    const activation = layer.getConfig().activation;
    const inbound = layer.inboundNodes[0]?.inboundLayers;
    if (layer.getClassName() !== 'Dense' || !['relu', 'linear'].includes(String(activation))) return null;
    if (inbound?.length !== 1) return null;
    const [kernel, bias] = layer.getWeights();
    if (!kernel || !bias || kernel.shape.length !== 2) return null;
    steps.push({
      name: layer.name,
      input: inbound[0]!.getClassName() === 'InputLayer' ? INPUT : inbound[0]!.name,
      kernel: kernel.dataSync() as Float32Array,
      bias: bias.dataSync() as Float32Array,
      inputs: kernel.shape[0]!,
      units: kernel.shape[1]!,
      relu: activation === 'relu',
    });
  }
  const outputs = model.outputs.map((o) => o.sourceLayer.name);
  const bySource = new Map(steps.map((s) => [s.name, s]));
  if (outputs.some((name) => !bySource.has(name))) return null;
  const inputWidth = model.inputs[0]!.shape[1] as number;
  const compiled = compileSteps(steps, outputs, inputWidth);
  return {
    inputWidth,
    outputWidths: outputs.map((name) => bySource.get(name)!.units),
    run: (row) => runCompiled(compiled, row),
    runOccluded: (row) => evaluateOccluded(steps, outputs, row, inputWidth),
  };
}

/** Evaluates the layers after the input; `first` holds the pre-activations of the one layer that reads the input. */
function evaluateFrom(
  steps: readonly DenseStep[],
  outputs: readonly string[],
  x: ArrayLike<number>,
  first?: Float64Array,
) {
  const values = new Map<string, Float64Array>();
  for (const step of steps) {
    const pre = step.input === INPUT && first ? Float64Array.from(first) : null;
    values.set(
      step.name,
      pre ? activate(step, pre) : applyDense(step, step.input === INPUT ? x : values.get(step.input)!),
    );
  }
  return outputs.map((name) => values.get(name)!);
}

function evaluate(steps: readonly DenseStep[], outputs: readonly string[], row: ArrayLike<number>): Float64Array[] {
  return evaluateFrom(steps, outputs, row);
}

function evaluateOccluded(
  steps: readonly DenseStep[],
  outputs: readonly string[],
  row: ArrayLike<number>,
  width: number,
) {
  const readers = steps.filter((s) => s.input === INPUT);
  if (readers.length !== 1) {
    return Array.from({ length: width + 1 }, (_, j) => evaluate(steps, outputs, withZero(row, j - 1)));
  }
  const first = readers[0]!;
  const pre = linear(first, row);
  const results = [evaluateFrom(steps, outputs, row, pre)];
  for (let j = 0; j < width; j++) {
    const shifted = Float64Array.from(pre);
    const xj = row[j]!;
    for (let u = 0; u < first.units; u++) shifted[u]! -= xj * first.kernel[j * first.units + u]!;
    results.push(evaluateFrom(steps, outputs, row, shifted));
  }
  return results;
}

function withZero(row: ArrayLike<number>, j: number): Float64Array {
  const copy = Float64Array.from(row);
  if (j >= 0) copy[j] = 0;
  return copy;
}

function linear(step: DenseStep, x: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(step.bias);
  for (let i = 0; i < step.inputs; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    const rowStart = i * step.units;
    for (let u = 0; u < step.units; u++) out[u]! += xi * step.kernel[rowStart + u]!;
  }
  return out;
}

function activate(step: DenseStep, pre: Float64Array): Float64Array {
  if (step.relu) for (let u = 0; u < step.units; u++) if (pre[u]! < 0) pre[u] = 0;
  return pre;
}

function applyDense(step: DenseStep, x: ArrayLike<number>): Float64Array {
  return activate(step, linear(step, x));
}

/** One layer for `run`: its kernel widened to float64 once (exact), its output buffer and where its input comes from. */
interface CompiledStep {
  kernel: Float64Array;
  bias: Float64Array;
  inputs: number;
  units: number;
  relu: boolean;
  /** Index of the step whose output it reads; -1 for the network's input. */
  from: number;
  out: Float64Array;
}

interface CompiledProgram {
  steps: CompiledStep[];
  input: Float64Array;
  outputs: Float64Array[];
}

function compileSteps(steps: readonly DenseStep[], outputs: readonly string[], inputWidth: number): CompiledProgram {
  const index = new Map(steps.map((s, i) => [s.name, i]));
  const compiled = steps.map((s) => ({
    kernel: Float64Array.from(s.kernel),
    bias: Float64Array.from(s.bias),
    inputs: s.inputs,
    units: s.units,
    relu: s.relu,
    from: s.input === INPUT ? -1 : index.get(s.input)!,
    out: new Float64Array(s.units),
  }));
  return {
    steps: compiled,
    input: new Float64Array(inputWidth),
    outputs: outputs.map((name) => compiled[index.get(name)!]!.out),
  };
}

/** `evaluate` without allocating: the steps in order (each reads an earlier one), into their own buffers. */
function runCompiled(program: CompiledProgram, row: ArrayLike<number>): Float64Array[] {
  const input = program.input;
  for (let i = 0; i < input.length; i++) input[i] = row[i]!;
  for (const step of program.steps) {
    const x = step.from < 0 ? input : program.steps[step.from]!.out;
    const { out, kernel, units } = step;
    out.set(step.bias);
    for (let i = 0; i < step.inputs; i++) {
      const xi = x[i]!;
      if (xi === 0) continue;
      const rowStart = i * units;
      for (let u = 0; u < units; u++) out[u]! += xi * kernel[rowStart + u]!;
    }
    if (step.relu) for (let u = 0; u < units; u++) if (out[u]! < 0) out[u] = 0;
  }
  return program.outputs;
}
