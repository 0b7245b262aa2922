// GraphQL types of labelled tables and backtests (issue 18, items 4 and 6): importing a dataset,
// training on it, and backtesting a version over a dataset or a telemetry window.
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ArrayMaxSize, IsOptional, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import { RunStatus } from '@threadline/db/client';
import { DateTime, Json } from '../../common/scalars.ts';

@ObjectType({ description: 'A labelled table imported for training and backtests: its columns typed, its size and its sha256.' })
export class Dataset {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String) labelColumn!: string;
  @Field(() => String, { nullable: true }) timeColumn!: string | null;
  @Field(() => [String]) dropColumns!: string[];
  @Field(() => Json, { description: 'Per column: name and role (NUMERIC, CATEGORICAL with its categories, LABEL, TIME, DROPPED).' }) columns!: unknown;
  @Field(() => Int) rowCount!: number;
  @Field(() => Int, { description: 'Rows labelled as failures.' }) positives!: number;
  @Field(() => DateTime, { nullable: true, description: 'The time column’s first value.' }) startsAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) endsAt!: Date | null;
  @Field(() => String, { description: 'SHA-256 of the CSV as uploaded.' }) sha256!: string;
  @Field(() => ID, { nullable: true }) createdById!: string | null;
  @Field(() => DateTime) createdAt!: Date;
}

@ObjectType({ description: 'A version scored over a labelled history, with the figures it earned.' })
export class Backtest {
  @Field(() => ID) id!: string;
  @Field(() => ID, { nullable: true, description: 'None for a streaming detector backtested by its spec.' }) modelVersionId!: string | null;
  @Field(() => ID, { nullable: true }) datasetId!: string | null;
  @Field(() => DateTime, { nullable: true }) windowStartAt!: Date | null;
  @Field(() => DateTime, { nullable: true }) windowEndAt!: Date | null;
  @Field(() => RunStatus) status!: RunStatus;
  @Field(() => Json, { description: "A detector backtest's signalIds and labels, as asked." }) params!: unknown;
  @Field(() => Json, {
    description:
      'rows, positives, auc, averagePrecision (PR-AUC), brier, precision, recall, f1 at the version’s threshold; failures, caught, missed, falseAlarms, leadTimeMinutes { min median mean max } (telemetry) and value { kpi saved falseAlarmCost missedCost net } at the KPI’s prices. A detector (kind DETECTOR): windows, flaggedWindows, falseAlarmEpisodes, falseAlarmsPerDay, labels, labelsFlagged, labelsMissed, leadTimeMinutes, eventWindowScores { standard, low false alarms, low misses }.',
  })
  result!: unknown;
  @Field(() => String, { nullable: true }) error!: string | null;
  @Field(() => ID, { nullable: true }) requestedById!: string | null;
  @Field(() => DateTime) createdAt!: Date;
  @Field(() => DateTime, { nullable: true }) finishedAt!: Date | null;
}

@InputType()
export class ImportDatasetInput {
  @Field(() => String) @Length(1, 200) name!: string;
  @Field(() => String, { description: 'The CSV text: a header row, one row per cycle or window; numeric columns are features, text columns categorical.' })
  @MaxLength(8 * 1024 * 1024)
  csv!: string;
  @Field(() => String, { description: 'The label column: 0/1 or true/false.' }) @Length(1, 200) label!: string;
  @Field(() => [String], { nullable: true, description: 'Identifiers and leaky columns to leave out.' }) @IsOptional() @ArrayMaxSize(200) drop?: string[];
  @Field(() => String, { nullable: true, description: 'A time column: rows are split in its order, and it is not a feature.' })
  @IsOptional()
  @Length(1, 200)
  time?: string;
}

@InputType()
export class TrainOnDatasetInput {
  @Field(() => ID) @IsUUID() modelId!: string;
  @Field(() => ID) @IsUUID() datasetId!: string;
  @Field(() => ID, { nullable: true, description: 'The version this run retrains (lineage parent).' }) @IsOptional() @IsUUID() baseVersionId?: string;
  @Field(() => Json, { nullable: true, description: 'family (LOGISTIC, MLP, GBT; all three without it), searchDerived, thresholdRule, seed.' })
  @IsOptional()
  params?: Record<string, unknown>;
  @Field(() => String, { nullable: true, description: 'Your key for this request; the same key again returns the run the first request queued.' })
  @IsOptional()
  @Length(1, 200)
  requestKey?: string;
}

@InputType()
export class BacktestModelInput {
  @Field(() => ID) @IsUUID() versionId!: string;
  @Field(() => ID, { nullable: true, description: 'A dataset, for a version trained on a table.' }) @IsOptional() @IsUUID() datasetId?: string;
  @Field(() => DateTime, { nullable: true, description: 'A telemetry window (at most 92 days), for a version trained on telemetry.' })
  @IsOptional()
  from?: Date;
  @Field(() => DateTime, { nullable: true }) @IsOptional() to?: Date;
}

@InputType({ description: 'An anomaly window a detector is judged by.' })
export class AnomalyLabelInput {
  @Field(() => ID, { nullable: true, description: 'The asset it happened on; without it, every asset of the backtest.' })
  @IsOptional()
  @IsUUID()
  assetId?: string;
  @Field(() => DateTime, { description: 'Where the anomaly begins: detections are rewarded by how early they come around it.' }) start!: Date;
  @Field(() => DateTime) end!: Date;
}

@InputType()
export class BacktestDetectorInput {
  @Field(() => ID, { nullable: true, description: "A streaming detector version (family STREAMING); without it, the detector's own settings on signalIds." })
  @IsOptional()
  @IsUUID()
  versionId?: string;
  @Field(() => Int, { nullable: true, description: 'Without a version: the grid its windows end on, in seconds (default 60).' })
  @IsOptional()
  @Min(1)
  @Max(3_600)
  stepSeconds?: number;
  @Field(() => Float, { nullable: true, description: 'Without a version: the threshold it is judged at (default 0.5).' })
  @IsOptional()
  @Min(0)
  @Max(1)
  threshold?: number;
  @Field(() => DateTime, { description: 'The window it plays (at most 92 days), learning from its start.' }) from!: Date;
  @Field(() => DateTime) to!: Date;
  @Field(() => [ID], {
    nullable: true,
    description: "Only these signals (and their assets); without them, every signal it watches on every asset of the model's type.",
  })
  @IsOptional()
  @ArrayMaxSize(1_000)
  @IsUUID('all', { each: true })
  signalIds?: string[];
  @Field(() => [AnomalyLabelInput], { nullable: true, description: "The anomaly windows to judge it by; without them, the window's incidents." })
  @IsOptional()
  @ArrayMaxSize(10_000)
  labels?: AnomalyLabelInput[];
}

@InputType()
export class DatasetFilter {
  @Field(() => String, { nullable: true, description: 'Names containing this text.' }) @IsOptional() @Length(1, 200) search?: string;
}

@InputType()
export class BacktestFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() modelVersionId?: string;
  @Field(() => RunStatus, { nullable: true }) @IsOptional() status?: RunStatus;
}
