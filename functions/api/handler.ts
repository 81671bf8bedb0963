/**
 * Lambda for the HTTP API routes (IAM auth; see routes.ts). Thin: read the request, find the
 * caller, route, shape the result; errors become statuses by their kind (functions/triggers/http.ts).
 *
 * Environment: as the triggers (tables, GENNAKER_STATE_MACHINES, GENNAKER_PIPELINES_MANIFEST,
 * GENNAKER_TOPIC_ARN), GENNAKER_EVENT_BUS (completed events after a cancel),
 * GENNAKER_ACCOUNTS_FILE (cluster view), GENNAKER_TRUST_IDENTITY_HEADERS, GENNAKER_PERMISSIONS_FILE
 * (application permissions, permissions.ts) and GENNAKER_ACCOUNT_ID (bare role names).
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { stepFunctionsStopper } from '../core/cancel.js';
import { lambdaHandler } from '../core/lambda-wrapper.js';
import { lambdaCancelElsewhere } from '../core/stage-functions.js';
import { buildTriggerDeps } from '../triggers/deps.js';
import { readWebhookRequest, respond } from '../triggers/http.js';
import { EventBridgePublisher } from '../triggers/lifecycle/completed-event.js';
import { lifecycleSuccessors } from '../triggers/lifecycle/lifecycle.js';
import type { ClusterReader } from './clusters.js';
import { conditionalGet } from './conditional.js';
import { callerOf, type IdentityContext } from './identity.js';
import { type OperationsDeps, sfnResume } from './operations.js';
import { type Authorizer, authorizerFromEnv, OPEN } from './permissions.js';
import { executionIdInPath, findRoute } from './routes.js';

/**
 * The cluster view's reader, loaded with the cloud driver (and its EC2, Auto Scaling, ELB, ECS and
 * Lambda clients) by the first cluster request: no other route needs them, so they stay out of start.
 */
function lazyClusterReader(): ClusterReader {
  let reader: Promise<ClusterReader> | undefined;
  return {
    describeApplication: async (query) => (await (reader ??= import('./clusters.js').then((m) => m.cloudClusterReader()))).describeApplication(query),
  };
}

function defaultOperationsDeps(): OperationsDeps {
  const triggers = buildTriggerDeps();
  const events = new EventBridgePublisher();
  const cancelElsewhere = lambdaCancelElsewhere();
  return {
    triggers,
    stopper: stepFunctionsStopper(),
    resume: sfnResume(),
    successors: lifecycleSuccessors({ registry: triggers.registry, queue: triggers.queue, events }),
    clusters: lazyClusterReader(),
    ...(cancelElsewhere ? { cancelElsewhere } : {}),
  };
}

/** Routes one HTTP API event with the given deps (the Lambda entry and tests); permissions are open unless an authorizer is given. */
export async function handleApiRequest(
  event: APIGatewayProxyEventV2,
  deps: OperationsDeps,
  authorizer: Authorizer = OPEN,
): Promise<APIGatewayProxyStructuredResultV2> {
  const method = (event.requestContext?.http?.method ?? '').toUpperCase();
  const ifNoneMatch = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'if-none-match')?.[1];
  return conditionalGet(
    method,
    ifNoneMatch,
    await respond(
      () => deps.triggers.log,
      async () => {
        const request = readWebhookRequest(event);
        const { route, params } = findRoute(request.method, request.path, event.requestContext?.stage);
        const caller = callerOf(event.requestContext as IdentityContext | undefined, request.headers);
        return route.run({ params, query: request.query, body: request.rawBody, caller, deps, authorizer });
      },
      { route: event.routeKey, path: event.rawPath },
    ),
  );
}

let deps: OperationsDeps | undefined;
let authorizer: Authorizer | undefined;

export const handler = lambdaHandler(
  async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    deps ??= defaultOperationsDeps();
    authorizer ??= authorizerFromEnv();
    return handleApiRequest(event, deps, authorizer);
  },
  { executionIdOf: (event) => executionIdInPath(event.rawPath ?? '', event.requestContext?.stage) },
);
