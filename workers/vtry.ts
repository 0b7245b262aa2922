import { PartGenerator } from './src/vision/synthetic-parts.ts';
import { resize, standardise } from './src/vision/pixels.ts';
import { trainVisionNet, evaluateVision, DEFAULT_VISION_TRAINING } from './src/vision/train-vision.ts';
const gen = new PartGenerator(1);
const make = (n: number) => Array.from({ length: n }, () => { const f = gen.next(process.env.ONLY ? { defect: Math.random() < 0.5 ? (process.env.ONLY as 'DENT') : null } : { defectRate: 0.5 }); return { input: standardise(resize({ width: f.side, height: f.side, pixels: f.pixels }, Number(process.env.S ?? 64))), label: f.defect ? 1 : 0, kind: f.defect?.kind }; });
const t0 = Date.now();
const train = make(Number(process.argv[2] ?? 600)), val = make(200), test = make(1000);
console.log('gen', Date.now() - t0);
const t1 = Date.now();
const out = trainVisionNet(train, val, { ...DEFAULT_VISION_TRAINING, size: Number(process.env.S ?? 64), learningRate: Number(process.env.LR ?? 0.003), epochs: Number(process.argv[3] ?? 10), patience: 10, channels: (process.env.CH ?? "4,8,16").split(",").map(Number) });
console.log('train ms', Date.now() - t1, 'epochs', out.epochs, 'thr', out.threshold, out.validation);
console.log('test', evaluateVision(out.net, test, out.threshold));
for (const k of ['SCRATCH','DENT','MISSING_HOLE']) { const sub = test.filter(t => t.kind === k); console.log(k, evaluateVision(out.net, sub, out.threshold).recall); }
