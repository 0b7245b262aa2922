// GraphQL types of the pipeline's health and its traces (issue 23): the figures the portal's
// pipeline page shows, the same as the Prometheus scrape.
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTime, Json } from '../../common/scalars.ts';

@ObjectType({ description: 'The transactional outbox: jobs decided but not yet on their queue.' })
export class OutboxHealthType {
  @Field(() => Int) backlog!: number;
  @Field(() => Float, { nullable: true, description: 'Age of the oldest undispatched row, in seconds.' }) oldestSeconds!: number | null;
}

@ObjectType({ description: "A live deployment's drift status from its last check." })
export class DeploymentHealthType {
  @Field(() => ID) deploymentId!: string;
  @Field(() => String) model!: string;
  @Field(() => Int) version!: number;
  @Field(() => String) target!: string;
  @Field(() => String) status!: string;
  @Field(() => Boolean, { nullable: true, description: 'Null until its first drift check.' }) drifting!: boolean | null;
  @Field(() => Float, { nullable: true }) driftingShare!: number | null;
  @Field(() => DateTime, { nullable: true }) checkedAt!: Date | null;
}

@ObjectType({ description: "An edge agent's last heartbeat: version, mode, backlog." })
export class EdgeAgentHealthType {
  @Field(() => ID) targetId!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) site!: string | null;
  @Field(() => String, { nullable: true }) agentVersion!: string | null;
  @Field(() => String, { nullable: true, description: 'MODEL or FALLBACK.' }) mode!: string | null;
  @Field(() => Int, { nullable: true }) modelVersion!: number | null;
  @Field(() => Int, { nullable: true }) backlog!: number | null;
  @Field(() => Float, { nullable: true, description: 'Seconds since its last heartbeat; null if it never sent one.' }) heartbeatAgeSeconds!: number | null;
}

@ObjectType({ description: "A live process's last metrics sample (the same series its /metrics serves)." })
export class ProcessHealthType {
  @Field(() => String) processId!: string;
  @Field(() => String, { description: 'api or workers.' }) kind!: string;
  @Field(() => String) host!: string;
  @Field(() => Int) pid!: number;
  @Field(() => DateTime) startedAt!: Date;
  @Field(() => DateTime) sampledAt!: Date;
  @Field(() => Json, {
    description:
      'Per series name (threadline_ingest_points_total, threadline_queue_jobs, threadline_queue_oldest_waiting_seconds, threadline_job_duration_seconds, threadline_inference_duration_seconds): [{ labels, value }].',
  })
  figures!: unknown;
}

@ObjectType({ description: "The pipeline's health, from ingest to insight." })
export class PipelineHealthType {
  @Field(() => OutboxHealthType) outbox!: OutboxHealthType;
  @Field(() => [DeploymentHealthType]) deployments!: DeploymentHealthType[];
  @Field(() => [EdgeAgentHealthType]) edgeAgents!: EdgeAgentHealthType[];
  @Field(() => [ProcessHealthType], { description: 'API and workers processes that sampled in the last minute.' }) processes!: ProcessHealthType[];
}

@ObjectType({ description: 'One span of a trace.' })
export class TraceSpanType {
  @Field(() => String) traceId!: string;
  @Field(() => String) spanId!: string;
  @Field(() => String, { nullable: true }) parentSpanId!: string | null;
  @Field(() => String, { description: 'api or workers.' }) service!: string;
  @Field(() => String) name!: string;
  @Field(() => String) kind!: string;
  @Field(() => DateTime) startedAt!: Date;
  @Field(() => Float) durationMs!: number;
  @Field(() => String) status!: string;
  @Field(() => Json) attributes!: unknown;
  @Field(() => [String], { description: 'Other traces this span continues.' }) links!: string[];
}

@ObjectType({ description: 'A recent trace, by its first span.' })
export class TraceSummaryType {
  @Field(() => String) traceId!: string;
  @Field(() => String) root!: string;
  @Field(() => DateTime) startedAt!: Date;
  @Field(() => Int) spans!: number;
  @Field(() => Float) durationMs!: number;
}
