// A labelled failure table of our own design, for tests and `npm run bench:quality`: one row per
// machining cycle as a historian and CMMS export would give it. The physics is invented here, not
// taken from any public data set: failures come from interactions of true readings (the table shows
// them with sensor noise), plus a share at random. No single reading gives a failure away.
// - thermal: coolant less than 3.2 K above ambient while the load is over 75 % of the grade's limit;
// - bearing: vibration over 6.8 mm/s at more than 2,700 rpm;
// - overload and stall: mechanical power (load × speed) over the grade's limit or under 5.2 kW;
// - wear: tool minutes × load over the grade's limit breaks the tool in 60 % of such cycles;
// - random: 0.2 % of cycles.
// Confounders a model must see through: vibration grows with tool wear, line L2 runs warmer, and
// humidity, line and operator shift say nothing about failures.
import { seededRandom } from '@threadline/db/random';

const GRADES = {
  A: { loadLimit: 60, powerKw: 15.5, wearLoad: 9_000 },
  B: { loadLimit: 75, powerKw: 18, wearLoad: 10_500 },
  C: { loadLimit: 90, powerKw: 20.5, wearLoad: 12_000 },
};
type Grade = keyof typeof GRADES;

export const FAILURE_TABLE_HEADER =
  'cycle_id,timestamp,grade,line,shift,ambient_c,coolant_c,spindle_rpm,load_nm,tool_minutes,vibration_mm_s,humidity_pct,failure';

/** `rows` cycles from `seed`, one every 5 minutes from 2026-01-01, as CSV text with a header. */
export function failureTableCsv(rows: number, seed: number): string {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = [FAILURE_TABLE_HEADER];
  let tool = 0;
  for (let i = 0; i < rows; i += 1) {
    const grade = (['A', 'B', 'C'] as Grade[])[Math.floor(random() * 3)]!;
    const line = random() < 0.5 ? 'L1' : 'L2';
    const limits = GRADES[grade];
    const ambient = 22 + 3 * Math.sin((2 * Math.PI * i) / 288) + 1.5 * gauss() + (line === 'L2' ? 1 : 0);
    const coolant = ambient + 6 + 1.8 * gauss();
    const rpm = 2200 + 350 * gauss();
    const load = limits.loadLimit * (0.65 + 0.12 * gauss());
    tool = random() < 0.01 ? 0 : tool + 4 * (0.5 + random());
    const vibration = 3 + 0.0009 * Math.max(0, rpm - 2000) + 0.004 * tool + 1.1 * gauss();
    const powerKw = (load * rpm * 2 * Math.PI) / 60 / 1000;
    const failed =
      (coolant - ambient < 3.2 && load > 0.75 * limits.loadLimit) ||
      (vibration > 6.8 && rpm > 2700) ||
      powerKw > limits.powerKw ||
      powerKw < 5.2 ||
      (tool * load > limits.wearLoad && random() < 0.6) ||
      random() < 0.002;
    const toolMinutes = Math.round(tool);
    if (failed) tool = 0;
    const noisy = (value: number, sd: number, digits: number) => (value + sd * gauss()).toFixed(digits);
    lines.push(
      [
        `C${String(i + 1).padStart(6, '0')}`,
        new Date(Date.UTC(2026, 0, 1) + i * 300_000).toISOString(),
        grade,
        line,
        ['early', 'late', 'night'][Math.floor((i % 288) / 96)]!,
        noisy(ambient, 0.15, 1),
        noisy(coolant, 0.15, 1),
        noisy(rpm, 12, 0),
        noisy(load, 0.6, 1),
        toolMinutes,
        noisy(vibration, 0.1, 2),
        noisy(45, 10, 1),
        failed ? 1 : 0,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/**
 * The failure table's columns as a federated run states them (federated-spec.ts): the instruments'
 * public ranges, the categories, and power, coolant margin and tool load as derived features.
 */
export const FAILURE_TABLE_FEDERATED_SPEC = {
  label: 'failure',
  numeric: [
    { name: 'ambient_c', min: 10, max: 35 },
    { name: 'coolant_c', min: 15, max: 45 },
    { name: 'spindle_rpm', min: 1000, max: 3500 },
    { name: 'load_nm', min: 20, max: 110 },
    { name: 'tool_minutes', min: 0, max: 600 },
    { name: 'vibration_mm_s', min: 0, max: 12 },
    { name: 'humidity_pct', min: 0, max: 100 },
  ],
  categorical: [
    { name: 'grade', categories: ['A', 'B', 'C'] },
    { name: 'line', categories: ['L1', 'L2'] },
  ],
  derived: [
    { op: 'product', left: 'load_nm', right: 'spindle_rpm', min: 20_000, max: 300_000 },
    { op: 'difference', left: 'coolant_c', right: 'ambient_c', min: -5, max: 15 },
    { op: 'product', left: 'tool_minutes', right: 'load_nm', min: 0, max: 40_000 },
  ],
};
