/** What the console reads from the HTTP API (functions/api/views.ts and clusters.ts, as JSON). */
export interface StageBrief {
  readonly refId: string;
  readonly name: string;
  readonly type: string;
  readonly status: string;
  readonly startTime?: number;
  readonly endTime?: number;
}

export interface StageDetails extends StageBrief {
  readonly requisiteStageRefIds: readonly string[];
  readonly context: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly error?: string;
}

export interface ExecutionSummary {
  readonly id: string;
  readonly application: string;
  readonly pipelineName: string;
  readonly pipelineId: string;
  readonly status: string;
  readonly startTime: number;
  readonly endTime?: number;
  readonly error?: string;
  readonly trigger: Readonly<Record<string, unknown>>;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly canceledBy?: string;
  readonly queuedAt?: number;
}

export interface ExecutionWithStages extends ExecutionSummary {
  readonly stages: readonly StageBrief[];
}

export interface ExecutionDetails extends ExecutionSummary {
  readonly stateMachineExecutionArn?: string;
  readonly stages: readonly StageDetails[];
}

export interface ParameterConfig {
  readonly name: string;
  readonly label?: string;
  readonly description?: string;
  readonly default?: string | number | boolean | null;
  readonly required?: boolean;
  readonly hasOptions?: boolean;
  readonly options?: ReadonlyArray<{ readonly value: string | number | boolean }>;
}

export interface PipelineSummary {
  readonly application: string;
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly disabled: boolean;
  readonly parameterConfig: readonly ParameterConfig[];
  readonly triggers: ReadonlyArray<{ readonly type: string; readonly enabled: boolean }>;
  readonly stages: ReadonlyArray<{ readonly refId: string; readonly name: string; readonly type: string; readonly requisiteStageRefIds: readonly string[] }>;
}

export interface ApplicationSummary {
  readonly name: string;
  readonly pipelines: number;
}

export interface ServerGroupSummary {
  readonly name: string;
  readonly version: string;
  readonly imageId?: string;
  readonly instanceType?: string;
  readonly capacity: { readonly min: number; readonly max: number; readonly desired: number };
  readonly enabled: boolean;
  readonly disabledReason?: string;
  readonly createdTime?: string;
  readonly executionId?: string;
  readonly trafficWeight?: number;
  readonly health: { readonly total: number; readonly up: number; readonly down: number; readonly state: string };
}

/** A Lambda function of the application (functions/api/clusters.ts FunctionSummary). */
export interface FunctionSummary {
  readonly functionName: string;
  readonly runtime?: string;
  readonly state?: string;
  readonly lastDeploy?: { readonly executionId: string };
  readonly versions: ReadonlyArray<{ readonly version: string; readonly description: string }>;
  readonly aliases: ReadonlyArray<{
    readonly name: string;
    readonly version: string;
    readonly traffic: ReadonlyArray<{ readonly version: string; readonly percent: number }>;
  }>;
}

export interface ApplicationClusters {
  readonly application: string;
  readonly account: string;
  readonly region: string;
  readonly clusters: ReadonlyArray<{ readonly cluster: string; readonly serverGroups: readonly ServerGroupSummary[] }>;
  readonly functions?: readonly FunctionSummary[];
}

/** /config.json: how this console signs in and where its API is. */
export interface ConsoleConfig {
  /** 'none' locally; 'cognito' when deployed. */
  readonly auth: 'none' | 'cognito';
  readonly cognito?: { readonly domain: string; readonly clientId: string };
  readonly localMode?: boolean;
}
