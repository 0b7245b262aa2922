// GraphQL types of federated training (issue 23): a run over the sites a model's policy keeps
// raw data at, its rounds and the privacy it has spent.
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { IsUUID } from 'class-validator';
import { Json } from '../../common/scalars.ts';

@ObjectType({ description: 'A federated training run: the sites train locally and send only clipped, noised updates; the core averages them.' })
export class FederatedRunType {
  @Field(() => ID) id!: string;
  @Field(() => ID, { description: 'The training run: lineage of the version it registers.' }) trainingRunId!: string;
  @Field(() => ID) modelId!: string;
  @Field(() => [String], { description: 'Codes of the sites taking part.' }) sites!: string[];
  @Field(() => String, { description: 'GRADIENT (rounds of noised gradients), HISTOGRAM (noised score histograms set the threshold) or AGGREGATED.' })
  phase!: string;
  @Field(() => Int, { description: 'Gradient rounds aggregated so far.' }) round!: number;
  @Field(() => Int, { description: 'Rounds the privacy budget (or the policy’s maxRounds) allows.' }) plannedRounds!: number;
  @Field(() => Float, { description: 'Privacy spent so far (ε, with the policy’s δ), by the Rényi DP accountant.' }) epsilon!: number;
  @Field(() => Float) epsilonBudget!: number;
  @Field(() => Float) delta!: number;
  @Field(() => Json, { description: 'The label, numeric columns with public bounds, categorical columns.' }) spec!: unknown;
  @Field(() => Json, {
    nullable: true,
    description: 'Once aggregated: threshold, precision, recall, f1, auc from the noised histograms, and stopReason (BUDGET or MAX_ROUNDS).',
  })
  result!: unknown;
}

@InputType()
export class StartFederatedTrainingInput {
  @Field(() => ID) @IsUUID() modelId!: string;
  @Field(() => Json, {
    description:
      'What the sites train on, stated without seeing a row: { label, numeric: [{ name, min, max }], categorical: [{ name, categories }] }; the bounds scale the features publicly.',
  })
  spec!: unknown;
}
