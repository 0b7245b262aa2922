// The square's eight symmetries (flips and quarter turns): a defect is a defect whichever way the
// part lies, so training shows each image under a random one of them, and scoring averages all eight.

export const SYMMETRIES = 8;

/** The image under one of the square's eight symmetries (0 is the identity). */
export function dihedral(input: Float32Array, side: number, k: number): Float32Array {
  if (k === 0) return input;
  const out = new Float32Array(input.length);
  const last = side - 1;
  for (let y = 0; y < side; y += 1) {
    for (let x = 0; x < side; x += 1) {
      let [sx, sy] = [x, y];
      if (k & 1) sx = last - sx;
      if (k & 2) sy = last - sy;
      if (k & 4) [sx, sy] = [sy, sx];
      out[y * side + x] = input[sy * side + sx]!;
    }
  }
  return out;
}
