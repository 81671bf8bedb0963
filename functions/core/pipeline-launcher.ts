/**
 * Starts pipelines as executions: used by the `pipeline` stage (child pipelines) and by triggers.
 * In AWS it is StartExecution on the pipeline's state machine; local mode runs it in-process.
 */
import { createHash } from 'node:crypto';
import type { SFNClient } from '@aws-sdk/client-sfn';
import type { ExecutionStatus, LaunchRequest } from './execution-model.js';
import type { ExecutionStore } from './execution-store.js';

export interface PipelineLauncher {
  start(request: LaunchRequest): Promise<{ executionId: string }>;
  status(executionId: string): Promise<ExecutionStatus | undefined>;
  /** Where a run will be (its state machine execution ARN), when the launcher can tell before starting it. */
  runArn?(request: Pick<LaunchRequest, 'application' | 'pipeline' | 'executionId' | 'runName'>): string | undefined;
}

/** A Step Functions execution name (≤ 80 chars of [A-Za-z0-9-_]) derived from a dedupe key. */
export function executionNameFor(key: string, prefix = ''): string {
  const clean = `${prefix}${key}`.replace(/[^A-Za-z0-9_-]/g, '-');
  if (clean.length <= 80) return clean;
  const digest = createHash('sha256').update(key).digest('hex').slice(0, 24);
  return `${clean.slice(0, 55)}-${digest}`;
}

/** `arn:aws:states:r:a:stateMachine:name` + execution name → `arn:aws:states:r:a:execution:name:exec`. */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
}

/** Maps a pipeline to its state machine ARN: GENNAKER_STATE_MACHINES is JSON {"app/pipeline": arn}. */
export function stateMachineArnFor(application: string, pipeline: string, env = process.env): string {
  const map = JSON.parse(env.GENNAKER_STATE_MACHINES ?? '{}') as Record<string, string>;
  const arn = map[`${application}/${pipeline}`] ?? map[pipeline];
  if (!arn) throw new Error(`no deployed pipeline '${application}/${pipeline}' (known: ${Object.keys(map).join(', ') || 'none'})`);
  return arn;
}

export class StepFunctionsLauncher implements PipelineLauncher {
  constructor(
    private readonly store: ExecutionStore,
    /** @default the shared factory's, built at the first start */
    private sfn?: SFNClient,
    private readonly resolve: (application: string, pipeline: string) => string = stateMachineArnFor,
  ) {}

  async start(request: LaunchRequest): Promise<{ executionId: string }> {
    const stateMachineArn = this.resolve(request.application, request.pipeline);
    // The SFN SDK loads at the first start, not at cold start: most calls of a function never start a run.
    const { ExecutionAlreadyExists, StartExecutionCommand, sfnClient } = await import('./sdk-clients/sfn.js');
    this.sfn ??= sfnClient();
    try {
      await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn,
          name: request.runName ?? request.executionId,
          input: JSON.stringify({ executionId: request.executionId, trigger: request.trigger, parameters: request.parameters }),
        }),
      );
    } catch (error) {
      // Same name, same input: a retried start. Step Functions itself dedupes that case too.
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
    }
    return { executionId: request.executionId };
  }

  async status(executionId: string): Promise<ExecutionStatus | undefined> {
    return (await this.store.getExecution(executionId))?.status;
  }

  runArn(request: Pick<LaunchRequest, 'application' | 'pipeline' | 'executionId' | 'runName'>): string {
    return executionArnFor(this.resolve(request.application, request.pipeline), request.runName ?? request.executionId);
  }
}
