/** The AWS clients the driver works with: one account, one region. */
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { defaultRegion, type ClientOptions } from '../client-cache.js';
import { applicationAutoScalingClient } from '../sdk-clients/application-auto-scaling.js';
import { autoScalingClient } from '../sdk-clients/auto-scaling.js';
import { cloudwatchClient } from '../sdk-clients/cloudwatch.js';
import { ec2Client } from '../sdk-clients/ec2.js';
import { ecsClient } from '../sdk-clients/ecs.js';
import { elbv2Client } from '../sdk-clients/elbv2.js';

export interface CloudClients {
  readonly region: string;
  readonly ec2: EC2Client;
  readonly autoScaling: AutoScalingClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  /** Alarm gates (rollbackAlarms) read the alarms where the cluster is. */
  readonly cloudwatch: CloudWatchClient;
  /** ECS server groups (services). */
  readonly ecs: ECSClient;
  /** Scalable targets, scaling policies and scheduled actions of ECS services. */
  readonly applicationAutoScaling: ApplicationAutoScalingClient;
}

/** Clients from the shared factory (endpoint-aware, cached, maxAttempts from GENNAKER_AWS_MAX_ATTEMPTS). */
export function cloudClients(options: ClientOptions = {}): CloudClients {
  const region = options.region ?? defaultRegion();
  const o = { ...options, region };
  return {
    region,
    ec2: ec2Client(o),
    autoScaling: autoScalingClient(o),
    elbv2: elbv2Client(o),
    cloudwatch: cloudwatchClient(o),
    ecs: ecsClient(o),
    applicationAutoScaling: applicationAutoScalingClient(o),
  };
}
