// A labelled failure table of our own design, for tests and `npm run bench:quality`: one row per
// machining cycle as a historian and CMMS export would give it. The physics is invented here, not
// taken from any public data set: failures come from interactions of true readings (the table shows
// them with sensor noise), plus a share at random.
// - thermal: coolant less than 4 K above ambient while the load is over 80 % of the grade's limit;
// - bearing: vibration over 6.5 mm/s at more than 2,800 rpm;
// - overload: mechanical power (load × speed) over the grade's power limit;
// - tool: a worn tool (past its grade's life) breaks in 30 % of its cycles;
// - random: 0.3 % of cycles.
import { seededRandom } from '@threadline/db/random';

const GRADES = {
  A: { loadLimit: 60, powerKw: 15, toolLife: 240 },
  B: { loadLimit: 75, powerKw: 18, toolLife: 200 },
  C: { loadLimit: 90, powerKw: 21, toolLife: 160 },
};
type Grade = keyof typeof GRADES;

export const FAILURE_TABLE_HEADER = 'cycle_id,timestamp,grade,ambient_c,coolant_c,spindle_rpm,load_nm,tool_minutes,vibration_mm_s,failure';

/** `rows` cycles from `seed`, one every 5 minutes from 2026-01-01, as CSV text with a header. */
export function failureTableCsv(rows: number, seed: number): string {
  const random = seededRandom(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const lines = [FAILURE_TABLE_HEADER];
  let tool = 0;
  for (let i = 0; i < rows; i += 1) {
    const grade = (['A', 'B', 'C'] as Grade[])[Math.floor(random() * 3)]!;
    const limits = GRADES[grade];
    const ambient = 22 + 3 * Math.sin((2 * Math.PI * i) / 288) + 1.5 * gauss();
    const coolant = ambient + 6 + 1.6 * gauss();
    const rpm = 2200 + 400 * gauss();
    const load = limits.loadLimit * (0.65 + 0.12 * gauss());
    tool = random() < 0.01 ? 0 : tool + 5 * (0.5 + random());
    const vibration = 3 + 0.0009 * Math.max(0, rpm - 2000) + 1.1 * gauss();
    const powerKw = (load * rpm * 2 * Math.PI) / 60 / 1000;
    const failed =
      (coolant - ambient < 4 && load > 0.8 * limits.loadLimit) ||
      (vibration > 6.5 && rpm > 2800) ||
      powerKw > limits.powerKw ||
      (tool > limits.toolLife && random() < 0.3) ||
      random() < 0.003;
    if (failed) tool = 0;
    const noisy = (value: number, sd: number, digits: number) => (value + sd * gauss()).toFixed(digits);
    lines.push(
      [
        `C${String(i + 1).padStart(6, '0')}`,
        new Date(Date.UTC(2026, 0, 1) + i * 300_000).toISOString(),
        grade,
        noisy(ambient, 0.2, 1),
        noisy(coolant, 0.2, 1),
        noisy(rpm, 15, 0),
        noisy(load, 1, 1),
        Math.round(tool),
        noisy(vibration, 0.15, 2),
        failed ? 1 : 0,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
