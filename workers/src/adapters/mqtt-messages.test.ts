// Decoding MQTT messages into addressed points, without a broker.
import { get as sparkplugNamespace } from 'sparkplug-payload';
import { describe, expect, it } from 'vitest';
import { decodePlain, parseSparkplugTopic, SparkplugDecoder } from './mqtt-messages.ts';

const sparkplug = sparkplugNamespace('spBv1.0')!;
const arrived = new Date('2026-11-23T08:00:00Z');

describe('MQTT message decoding', () => {
  it('reads a bare number, an object and a list, stamping readings without a time with the arrival', () => {
    expect(decodePlain('threadline/a/b/c', Buffer.from('4.5'), arrived)).toEqual({
      ok: true,
      points: [{ address: 'threadline/a/b/c', time: arrived, value: 4.5 }],
    });
    expect(decodePlain('t', Buffer.from('[{"t": 1, "v": 2, "q": "BAD"}, {"value": 3}]'), arrived)).toEqual({
      ok: true,
      points: [
        { address: 't', time: 1, value: 2, quality: 'BAD' },
        { address: 't', time: arrived, value: 3, quality: undefined },
      ],
    });
    expect(decodePlain('t', Buffer.from('{oops'), arrived)).toEqual({ ok: false, reason: 'payload on t is not JSON' });
  });

  it('parses Sparkplug topics and refuses others', () => {
    expect(parseSparkplugTopic('spBv1.0/g/DDATA/n/d')).toEqual({ group: 'g', type: 'DDATA', node: 'n', device: 'd' });
    expect(parseSparkplugTopic('spBv1.0/g/NDATA/n')).toEqual({ group: 'g', type: 'NDATA', node: 'n', device: null });
    expect(parseSparkplugTopic('threadline/a/b/c')).toBeNull();
  });

  it('skips Sparkplug control metrics and refuses an alias no birth announced', () => {
    const decoder = new SparkplugDecoder();
    const birth = decoder.decode(
      { group: 'g', type: 'NBIRTH', node: 'n', device: null },
      Buffer.from(
        sparkplug.encodePayload({
          timestamp: 1,
          metrics: [
            { name: 'bdSeq', type: 'UInt64', value: 0 },
            { name: 'temp', alias: 3, type: 'Double', value: 20 },
          ],
        }),
      ),
      arrived,
    );
    expect(birth).toEqual({ ok: true, points: [{ address: 'g/n/temp', time: new Date(1), value: 20, quality: undefined }] });
    const unknown = decoder.decode(
      { group: 'g', type: 'DDATA', node: 'n', device: 'd' },
      Buffer.from(sparkplug.encodePayload({ timestamp: 2, metrics: [{ alias: 9, type: 'Double', value: 1 }] })),
      arrived,
    );
    expect(unknown).toEqual({ ok: false, reason: 'metric alias 9 on g/n/d was never announced in a BIRTH' });
  });
});
