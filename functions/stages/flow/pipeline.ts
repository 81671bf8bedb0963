/** `pipeline`: runs another pipeline as a child execution; with waitForCompletion its status becomes ours. */
import { executionNameFor, type PipelineLauncher } from '../../core/pipeline-launcher.js';
import { StageConfigError, type StageImplementation, stageFields, stageRunKey } from '../../core/stage-api.js';
import { textOf } from '../../../state-machines/model/problems.js';

const FIRST_POLL_SECONDS = 5;
const MAX_POLL_SECONDS = 60;

/** What the stage keeps in its context (Orca's names, which the console and users read). */
interface PipelineStageFields {
  /** The child's execution id, recorded before it starts. */
  readonly childExecutionId: string;
  /** `<application>/<pipeline>` of the child. */
  readonly childPipeline: string;
  /** Status polls so far (the next one backs off further). */
  readonly polls: number;
}
const PIPELINE = stageFields<PipelineStageFields>();

export function pipelineStage(launcher: PipelineLauncher): StageImplementation {
  return {
    type: 'pipeline',
    async run(ctx) {
      const config = ctx.stage.config;
      const pipeline = config.pipeline;
      if (typeof pipeline !== 'string' || pipeline.length === 0) throw new StageConfigError('pipeline: required (the child pipeline id or name)');
      const application = typeof config.application === 'string' && config.application ? config.application : ctx.application;
      const wait = config.waitForCompletion !== false;
      const saved = PIPELINE.of(ctx.state);
      let childId = saved.childExecutionId;
      if (!childId) {
        childId = executionNameFor(stageRunKey(ctx, '-'));
        // Record the child before starting it: a retry after a crash finds it and starts nothing new.
        await ctx.checkpoint(PIPELINE.save({ childExecutionId: childId, childPipeline: `${application}/${pipeline}` }));
        const parameters = (config.pipelineParameters ?? {}) as Record<string, unknown>;
        await launcher.start({
          application,
          pipeline,
          executionId: childId,
          parameters,
          trigger: {
            type: 'pipeline',
            user: textOf(ctx.evaluation.execution.trigger.user ?? 'gennaker'),
            parentExecution: { id: ctx.executionId, application: ctx.application, name: ctx.pipelineName },
            parentPipelineStageId: ctx.stage.refId,
            parameters,
          },
        });
      }
      const outputs = { childExecutionId: childId };
      if (!wait) return { status: 'SUCCEEDED', outputs };
      const status = await launcher.status(childId);
      if (status === 'SUCCEEDED') return { status: 'SUCCEEDED', outputs };
      if (status === 'TERMINAL' || status === 'CANCELED') {
        return { status: 'FAILED', error: `child pipeline ${application}/${pipeline} (${childId}) ended ${status}`, outputs };
      }
      const polls = saved.polls ?? 0;
      const waitSeconds = Math.min(MAX_POLL_SECONDS, FIRST_POLL_SECONDS * 2 ** polls);
      return { status: 'RUNNING', waitSeconds, outputs, context: PIPELINE.save({ polls: polls + 1 }) };
    },
  };
}
