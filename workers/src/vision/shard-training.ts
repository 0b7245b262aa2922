// Data-parallel training of the vision network: each mini-batch is cut into a fixed number of
// shards ("ghost batches", each batch-normalised with its own statistics), the shards' gradients
// run at once on worker threads that hold the training images in shared memory, and their sum is
// the batch's gradient; the running statistics move by the shards' mean. The shard count is fixed,
// not taken from the machine, so a run trains the same network on one core or many; only how many
// shards run at once depends on the cores.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { cloneNet, zeroGradient, type Gradient, type VisionNet } from './cnn.ts';
import { trainBatch } from './cnn-train.ts';
import { dihedral } from './dihedral.ts';

/** Shards per mini-batch. */
export const SHARDS = 2;

/** One image of a shard: which training image, under which of the square's symmetries, and its loss's label and weight. */
export interface ShardItem {
  index: number;
  symmetry: number;
  label: number;
  weight: number;
}

export interface ShardResult {
  grad: Gradient;
  /** Each batch-normalised layer's running statistics after the shard's step. */
  stats: { mean: Float32Array; variance: Float32Array }[];
}

/** The training images, side × side each, one after another in shared memory. */
export interface SharedImages {
  buffer: SharedArrayBuffer;
  side: number;
}

export function shareImages(images: readonly Float32Array[], side: number): SharedImages {
  const area = side * side;
  const buffer = new SharedArrayBuffer(images.length * area * Float32Array.BYTES_PER_ELEMENT);
  const view = new Float32Array(buffer);
  images.forEach((image, i) => view.set(image, i * area));
  return { buffer, side };
}

/** One shard's gradient, on a copy of the net (the net itself is not touched). */
export function trainShard(net: VisionNet, images: SharedImages, items: readonly ShardItem[]): ShardResult {
  const copy = cloneNet(net);
  const area = images.side * images.side;
  const view = new Float32Array(images.buffer);
  const inputs = items.map((item) => dihedral(view.subarray(item.index * area, (item.index + 1) * area), images.side, item.symmetry));
  const grad = zeroGradient(copy);
  trainBatch(copy, inputs, (s, i) => items[i]!.weight * (s - items[i]!.label), grad);
  const stats = copy.conv.flatMap((layer) => (layer.norm ? [{ mean: layer.norm.mean, variance: layer.norm.variance }] : []));
  return { grad, stats };
}

function addInto(total: Gradient, part: Gradient): void {
  const add = (a: Float32Array, b: Float32Array) => {
    for (let i = 0; i < a.length; i += 1) a[i]! += b[i]!;
  };
  total.conv.forEach((layer, l) => {
    const other = part.conv[l]!;
    add(layer.weights, other.weights);
    add(layer.bias, other.bias);
    add(layer.gamma, other.gamma);
    add(layer.beta, other.beta);
  });
  add(total.dense.weights, part.dense.weights);
  total.dense.bias += part.dense.bias;
}

interface Pending {
  resolve: (result: ShardResult) => void;
  reject: (error: Error) => void;
}

/** A worker thread that trains shards (shard-worker.mjs). */
class ShardThread {
  private pending: Pending | null = null;
  private failure: Error | null = null;

  constructor(private readonly worker: Worker) {
    worker.on('message', (result: ShardResult) => {
      const pending = this.pending;
      this.pending = null;
      pending?.resolve(result);
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`a training thread stopped (exit code ${code})`)));
  }

  private fail(error: Error): void {
    this.failure ??= error;
    const pending = this.pending;
    this.pending = null;
    pending?.reject(error);
  }

  run(net: VisionNet, items: readonly ShardItem[]): Promise<ShardResult> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage({ net, items });
    });
  }

  async stop(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

/** Trains mini-batches in shards, as many at once as the machine has cores (up to SHARDS). */
export class ShardedTrainer {
  private constructor(
    private readonly images: SharedImages,
    private readonly threads: ShardThread[],
  ) {}

  static start(images: readonly Float32Array[], side: number, cores = availableParallelism()): ShardedTrainer {
    const shared = shareImages(images, side);
    const count = Math.max(0, Math.min(SHARDS, cores) - 1);
    const threads = Array.from({ length: count }, () => new ShardThread(new Worker(new URL('./shard-worker.mjs', import.meta.url), { workerData: shared })));
    return new ShardedTrainer(shared, threads);
  }

  /** Adds the batch's gradient to `grad` and moves the net's running statistics. */
  async train(net: VisionNet, batch: readonly ShardItem[], grad: Gradient): Promise<void> {
    const size = Math.ceil(batch.length / SHARDS);
    const shards = Array.from({ length: SHARDS }, (_, k) => batch.slice(k * size, (k + 1) * size)).filter((s) => s.length > 0);
    // The threads' shards first (the net is copied as it is posted), then the rest here.
    const remote = shards.slice(0, this.threads.length).map((items, k) => this.threads[k]!.run(net, items));
    const local = shards.slice(this.threads.length).map((items) => trainShard(net, this.images, items));
    const results = [...(await Promise.all(remote)), ...local];
    for (const result of results) addInto(grad, result.grad);
    const normalised = net.conv.flatMap((layer) => (layer.norm ? [layer.norm] : []));
    normalised.forEach((norm, l) => {
      for (let c = 0; c < norm.mean.length; c += 1) {
        norm.mean[c] = results.reduce((sum, r) => sum + r.stats[l]!.mean[c]!, 0) / results.length;
        norm.variance[c] = results.reduce((sum, r) => sum + r.stats[l]!.variance[c]!, 0) / results.length;
      }
    });
  }

  async stop(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.stop()));
  }
}
