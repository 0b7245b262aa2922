// A training thread of shard-training.ts: TypeScript through tsx's loader, the training images in
// the shared memory it was started with; each message is a net and a shard, each answer its gradient.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const { trainShard } = await import('./shard-training.ts');
parentPort.on('message', ({ net, items }) => parentPort.postMessage(trainShard(net, workerData, items)));
