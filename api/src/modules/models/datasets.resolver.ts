// Labelled tables and backtests through the API (issue 18, items 4 and 6): importDataset reads the
// CSV as `npm run ml` does and refuses a bad one with every problem by line and column (the
// error's `details.problems`); trainModelOnDataset queues a training run over it; backtestModel queues a
// backtest of a version over a dataset or a telemetry window. Lists come from the entity specs.
import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import type { JsonValue } from '@threadline/db/audit/audit-hash';
import { requestBacktest } from '@threadline/db/models/backtests';
import { datasetWindow, importDataset } from '@threadline/db/models/datasets';
import { trainingParamsProblems, trainingParamsSchema } from '@threadline/db/models/training-params';
import { requestTrainingRun } from '@threadline/db/models/training-runs';
import { tenantOf, type Context } from '../../context.ts';
import { badInput, notFound, requireUuid } from '../../common/errors.ts';
import { domainCommand } from '../../common/domain-command.ts';
import { TrainingRun } from './models.types.ts';
import { Backtest, BacktestDetectorInput, BacktestModelInput, Dataset, ImportDatasetInput, TrainOnDatasetInput } from './datasets.types.ts';

@Resolver()
export class DatasetResolver {
  @Authorized('model:write')
  @Mutation(() => Dataset, {
    description:
      'Imports a labelled table (CSV) for training and backtests. A bad table is refused with BAD_USER_INPUT and extensions.details.problems: [{ line, column, message }]; nothing is kept.',
  })
  async importDataset(@Arg('input', () => ImportDatasetInput) input: ImportDatasetInput, @Ctx() ctx: Context): Promise<Dataset> {
    const { tenant } = tenantOf(ctx);
    const { id } = await domainCommand(ctx, (db, actor, organizationId) =>
      importDataset(db, { organizationId, name: input.name, csv: input.csv, label: input.label, drop: input.drop ?? [], time: input.time ?? null }, actor),
    );
    return (await tenant.dataset.findFirst({ where: { id } })) as Dataset;
  }

  @Authorized('model:write')
  @Mutation(() => TrainingRun, {
    description: 'Queues a training run of the model on a dataset (its time span is the data window); the workers train, sign and register the version.',
  })
  async trainModelOnDataset(@Arg('input', () => TrainOnDatasetInput) input: TrainOnDatasetInput, @Ctx() ctx: Context): Promise<TrainingRun> {
    const params = trainingParamsSchema.safeParse(input.params ?? {});
    if (!params.success) throw badInput(`Invalid training parameters: ${trainingParamsProblems(params.error)}.`, { field: 'params' });
    if (params.data.family === 'ANOMALY_ZSCORE' || params.data.family === 'STREAMING')
      throw badInput('Anomaly detectors learn telemetry; train a classifier on a dataset.', { field: 'params' });
    const { tenant } = tenantOf(ctx);
    const model = await tenant.model.findFirst({ where: { id: requireUuid(input.modelId, 'modelId') } });
    if (!model) throw notFound('Model', input.modelId);
    const id = await domainCommand(ctx, async (db, actor, organizationId) => {
      const dataset = await datasetWindow(db, organizationId, requireUuid(input.datasetId, 'datasetId'));
      if (!dataset) throw notFound('Dataset', input.datasetId);
      return requestTrainingRun(
        db,
        {
          organizationId,
          modelId: model.id,
          trigger: 'MANUAL',
          baseVersionId: input.baseVersionId ?? null,
          datasetId: dataset.id,
          from: dataset.from,
          to: dataset.to,
          params: JSON.parse(JSON.stringify(input.params ?? {})) as Record<string, JsonValue>,
          requestKey: input.requestKey ?? null,
        },
        actor,
      );
    });
    return (await tenant.trainingRun.findFirst({ where: { id } }))!;
  }

  @Authorized('model:write')
  @Mutation(() => Backtest, {
    description:
      'Queues a backtest of a version: over a dataset (a version trained on a table) or a telemetry window from/to of at most 92 days (a version trained on telemetry). The workers score it through the verified graph; the backtest holds the figures.',
  })
  async backtestModel(@Arg('input', () => BacktestModelInput) input: BacktestModelInput, @Ctx() ctx: Context): Promise<Backtest> {
    const { tenant } = tenantOf(ctx);
    const id = await domainCommand(ctx, (db, actor, organizationId) =>
      requestBacktest(
        db,
        {
          organizationId,
          versionId: requireUuid(input.versionId, 'versionId'),
          datasetId: input.datasetId ? requireUuid(input.datasetId, 'datasetId') : null,
          from: input.from ?? null,
          to: input.to ?? null,
        },
        actor,
      ),
    );
    return (await tenant.backtest.findFirst({ where: { id } })) as Backtest;
  }

  @Authorized('model:write')
  @Mutation(() => Backtest, {
    description:
      'Queues a backtest of a streaming detector: it plays the window from its start and reports, at its threshold, the event-window score under three profiles against the labels (or incidents), detections, misses, false alarms per asset-day and lead times.',
  })
  async backtestDetector(@Arg('input', () => BacktestDetectorInput) input: BacktestDetectorInput, @Ctx() ctx: Context): Promise<Backtest> {
    const { tenant } = tenantOf(ctx);
    const id = await domainCommand(ctx, (db, actor, organizationId) =>
      requestBacktest(
        db,
        {
          organizationId,
          versionId: input.versionId ? requireUuid(input.versionId, 'versionId') : null,
          datasetId: null,
          from: input.from,
          to: input.to,
          detector: {
            signalIds: input.signalIds ?? null,
            labels: input.labels?.map((l) => ({ assetId: l.assetId ?? null, start: l.start, end: l.end })) ?? null,
            spec: input.versionId ? null : { stepSeconds: input.stepSeconds ?? 60, threshold: input.threshold ?? 0.5 },
          },
        },
        actor,
      ),
    );
    return (await tenant.backtest.findFirst({ where: { id } })) as Backtest;
  }
}
