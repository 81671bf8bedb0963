/**
 * Which ECS cluster holds a Spinnaker cluster's services. Deck's ECS operation stages (enable,
 * disable, resize, destroy, the cluster stages) name the cluster and account but not the ECS
 * cluster, as clouddriver finds it from its cache; Gennaker looks: every ECS cluster of the region
 * whose services include one named `<cluster>-vNNN`.
 */
import { ListClustersCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import { awsCall } from '../cloud/aws-errors.js';
import type { CloudClients } from '../cloud/clients.js';
import { tryParseServerGroupName } from '../cloud/naming.js';

async function listAll(page: (token?: string) => Promise<{ arns?: string[]; nextToken?: string }>): Promise<string[]> {
  const out: string[] = [];
  let token: string | undefined;
  do {
    const response = await page(token);
    out.push(...(response.arns ?? []));
    token = response.nextToken;
  } while (token);
  return out;
}

/** The names of the region's ECS clusters that hold a service of `cluster` (usually one, or none). */
export async function ecsClustersHolding(clients: CloudClients, cluster: string): Promise<string[]> {
  const where = `ECS clusters of ${clients.region}`;
  const clusterArns = await listAll(async (token) => {
    const r = await awsCall({ action: 'list', resourceType: 'ECS clusters', resource: where }, () =>
      clients.ecs.send(new ListClustersCommand(token ? { nextToken: token } : {})),
    );
    return { ...(r.clusterArns ? { arns: r.clusterArns } : {}), ...(r.nextToken ? { nextToken: r.nextToken } : {}) };
  });
  const holding: string[] = [];
  for (const arn of clusterArns) {
    const name = arn.split('/').pop() ?? arn;
    const services = await listAll(async (token) => {
      const r = await awsCall({ action: 'list', resourceType: 'ECS services', resource: `ECS cluster ${name} (${clients.region})` }, () =>
        clients.ecs.send(new ListServicesCommand({ cluster: arn, ...(token ? { nextToken: token } : {}) })),
      );
      return { ...(r.serviceArns ? { arns: r.serviceArns } : {}), ...(r.nextToken ? { nextToken: r.nextToken } : {}) };
    });
    if (services.some((s) => tryParseServerGroupName(s.split('/').pop() ?? '')?.cluster === cluster)) holding.push(name);
  }
  return holding;
}
