// What a frame's bytes are, read from their headers only: a frame is a JPEG or a PNG of bounded
// size and dimensions, complete (its end marker present). Nothing is decoded: this runs before a
// frame is stored, on bytes from callers already authenticated, and refuses everything else.

export const FRAME_TYPES = ['image/jpeg', 'image/png'] as const;
export type FrameType = (typeof FRAME_TYPES)[number];

/** Bytes of one frame: a 12-megapixel JPEG fits; a frame is never a video. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;
export const MAX_FRAME_BYTES_TEXT = '8 MiB';
/** Pixels per side a frame may have. */
export const FRAME_SIDE = { min: 8, max: 8_192 } as const;

export interface FrameFormat {
  contentType: FrameType;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PNG_END = Buffer.from([0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
/** JPEG start-of-frame markers that carry the image's size (not DHT, JPG or DAC). */
const SOF_MARKERS = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

/** The frame's type and size, or why it is refused. */
export function frameFormat(bytes: Uint8Array): FrameFormat | string {
  if (bytes.length === 0) return 'the frame is empty';
  if (bytes.length > MAX_FRAME_BYTES) return `the frame is ${bytes.length} bytes; at most ${MAX_FRAME_BYTES_TEXT} are accepted`;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const format = buffer.subarray(0, 8).equals(PNG_SIGNATURE) ? pngFormat(buffer) : buffer[0] === 0xff && buffer[1] === 0xd8 ? jpegFormat(buffer) : null;
  if (format === null) return 'the frame is neither a JPEG nor a PNG image';
  if (typeof format === 'string') return format;
  const { width, height } = format;
  if (width < FRAME_SIDE.min || height < FRAME_SIDE.min || width > FRAME_SIDE.max || height > FRAME_SIDE.max) {
    return `the frame is ${width}×${height} pixels; each side must be ${FRAME_SIDE.min} to ${FRAME_SIDE.max}`;
  }
  return format;
}

function pngFormat(bytes: Buffer): FrameFormat | string {
  if (bytes.length < 8 + 8 + 13 + 4 + 12 || bytes.toString('latin1', 12, 16) !== 'IHDR') return 'the PNG has no header chunk';
  if (!bytes.subarray(bytes.length - 8).equals(PNG_END)) return 'the PNG is truncated (no IEND chunk at its end)';
  return { contentType: 'image/png', width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function jpegFormat(bytes: Buffer): FrameFormat | string {
  if (bytes[bytes.length - 2] !== 0xff || bytes[bytes.length - 1] !== 0xd9) return 'the JPEG is truncated (no end-of-image marker)';
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return 'the JPEG header is malformed';
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at += 1;
      continue;
    }
    const length = bytes.readUInt16BE(at + 2);
    if (length < 2) return 'the JPEG header is malformed';
    if (SOF_MARKERS.has(marker)) {
      if (at + 9 > bytes.length) break;
      return { contentType: 'image/jpeg', height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7) };
    }
    if (marker === 0xda) break;
    at += 2 + length;
  }
  return 'the JPEG has no frame header before its image data';
}
