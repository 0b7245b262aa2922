// Camera frames and the heat maps of the insights they raise, as the API shows them.
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { FrameLabel } from '@threadline/db/client';
import { DateTime } from '../../common/scalars.ts';

registerEnumType(FrameLabel, {
  name: 'FrameLabel',
  description: 'What quality inspection (or a verdict) found the part to be: training data for vision models.',
});

@ObjectType({ description: 'A camera frame (JPEG or PNG) of an asset; its bytes at `url` (GET, with a session or an API key).' })
export class Frame {
  @Field(() => ID) id!: string;
  @Field(() => ID) assetId!: string;
  @Field(() => String) camera!: string;
  @Field(() => DateTime, { description: 'When the camera took it.' }) ts!: Date;
  @Field(() => String) contentType!: string;
  @Field(() => Int) byteSize!: number;
  @Field(() => Int) width!: number;
  @Field(() => Int) height!: number;
  @Field(() => FrameLabel, { nullable: true }) label!: FrameLabel | null;
  @Field(() => Float, { nullable: true, description: 'The highest score a vision model gave it; null when not scored.' }) score!: number | null;
  @Field(() => ID, { nullable: true, description: 'The insight it raised, if any.' }) insightId!: string | null;
  @Field(() => String, { description: 'Where its bytes are: /frames/<id> on the API.' })
  get url(): string {
    return `/frames/${this.id}`;
  }
}

@ObjectType({ description: 'A box in fractions of the frame (0 to 1 from the top left).' })
export class FrameBox {
  @Field(() => Float) x!: number;
  @Field(() => Float) y!: number;
  @Field(() => Float) width!: number;
  @Field(() => Float) height!: number;
}

@ObjectType({
  description:
    'Where in a frame the evidence of a vision insight lies: a patch hidden at each place of a rows × cols grid, and how much the score dropped there (scaled to the largest drop, 1).',
})
export class FrameHeatMap {
  @Field(() => ID) frameId!: string;
  @Field(() => String) camera!: string;
  @Field(() => Int) rows!: number;
  @Field(() => Int) cols!: number;
  @Field(() => [Float], { description: 'Row-major, rows × cols values in [0, 1].' }) cells!: number[];
  @Field(() => FrameBox, { description: 'The patch whose hiding lowered the score most.' }) peak!: FrameBox;
  @Field(() => Float, { description: 'The largest drop in score, before scaling.' }) strength!: number;
}
