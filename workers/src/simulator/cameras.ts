// The inspection stations' cameras: each vision station (asset code ending -VIS<nn>) photographs a
// housing every interval and publishes the frame (JPEG) on threadline/<site>/<asset>/camera/top,
// its capture time as an MQTT 5 user property; a share of the parts is defective (a scratch, a dent
// or a missing bolt hole), from a seeded generator, so the demo plant's defect rate is known.
import { PartGenerator, encodeJpeg, type PartFrame } from '../vision/synthetic-parts.ts';

export const CAMERA = 'top';
/** Share of housings with a defect on the line (the simulator's truth). */
export const DEFECT_RATE = 0.06;

export interface Station {
  site: string;
  assetCode: string;
}

export interface CameraShot {
  station: Station;
  time: Date;
  frame: PartFrame;
  jpeg: Buffer;
}

/** The vision stations among the simulated signals' assets, once each. */
export function stationsOf(signals: readonly { site: string; assetCode: string }[]): Station[] {
  const seen = new Map<string, Station>();
  for (const s of signals) if (/-VIS\d+$/.test(s.assetCode) && !seen.has(s.assetCode)) seen.set(s.assetCode, { site: s.site, assetCode: s.assetCode });
  return [...seen.values()];
}

export class SimulatorCameras {
  private readonly parts: PartGenerator;

  constructor(
    private readonly stations: readonly Station[],
    seed: number,
    private readonly defectRate = DEFECT_RATE,
  ) {
    this.parts = new PartGenerator(seed);
  }

  /** One frame per station at `time`. */
  shoot(time: Date): CameraShot[] {
    return this.stations.map((station) => {
      const frame = this.parts.next({ defectRate: this.defectRate });
      return { station, time, frame, jpeg: encodeJpeg(frame) };
    });
  }
}

export const cameraTopic = (station: Station) => `threadline/${station.site.toLowerCase()}/${station.assetCode}/camera/${CAMERA}`;
