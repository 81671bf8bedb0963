/**
 * An application's clusters in one account and region (the caller's own by default): EC2 server
 * groups and ECS services side by side, each with its version, image or task definition,
 * capacity, serving state, health, the share of its route's traffic it serves (weighted while a
 * progressive deploy shifts) and the run that deployed it; then its Lambda functions with
 * versions, each alias's traffic per version, and the run that deployed them.
 */
import { useState } from 'preact/hooks';
import type { ApplicationClusters, ClusterSummary, FunctionSummary, ServerGroupSummary } from '../../../functions/api/clusters.js';
import { enc } from '../api.js';
import { ErrorMessage, Loading, Section } from '../components.js';
import { usePoll } from '../poll.js';
import { paths } from '../router.js';

function Health({ group }: { readonly group: ServerGroupSummary }) {
  const { up, total } = group.health;
  const unit = group.provider === 'ecs' ? 'tasks' : 'instances';
  return (
    <span class={`health health-${group.health.state}`} aria-label={`${up} of ${total} ${unit} up`}>
      <span class="health-bar" style={{ width: total === 0 ? '0%' : `${(100 * up) / total}%` }} />
      <span class="health-text">
        {up}/{total} {unit} up
      </span>
    </span>
  );
}

function Traffic({ weight }: { readonly weight: number | undefined }) {
  if (weight === undefined) return <span class="muted">—</span>;
  return (
    <span class="traffic" aria-label={`${weight}% of traffic`}>
      <span class="traffic-track">
        <span class="traffic-bar" style={{ width: `${weight}%` }} />
      </span>
      <span class="traffic-text">{weight}%</span>
    </span>
  );
}

function DeployedBy({ executionId }: { readonly executionId: string | undefined }) {
  return executionId ? <a href={paths.run(executionId)}>{executionId.length > 28 ? `${executionId.slice(0, 28)}…` : executionId}</a> : <>—</>;
}

function ClusterTable({ cluster }: { readonly cluster: ClusterSummary }) {
  const ecs = cluster.provider === 'ecs';
  return (
    <Section title={cluster.cluster} actions={<span class="muted provider">{ecs ? `ECS · ${cluster.ecsCluster ?? ''}` : 'EC2'}</span>}>
      <table class="server-groups" data-cluster={cluster.cluster} data-provider={cluster.provider}>
        <thead>
          <tr>
            <th scope="col">{ecs ? 'Service' : 'Server group'}</th>
            <th scope="col">Version</th>
            <th scope="col">{ecs ? 'Image · task definition' : 'Image'}</th>
            <th scope="col">Capacity (min/desired/max)</th>
            <th scope="col">Serving</th>
            <th scope="col">Health</th>
            <th scope="col">Traffic</th>
            <th scope="col">Deployed by</th>
          </tr>
        </thead>
        <tbody>
          {[...cluster.serverGroups].reverse().map((g) => (
            <tr
              key={g.name}
              data-server-group={g.name}
              data-enabled={String(g.enabled)}
              data-traffic={g.trafficWeight === undefined ? '' : String(g.trafficWeight)}
            >
              <th scope="row">{g.name}</th>
              <td>{g.version}</td>
              <td class="image">
                {g.imageId ?? '—'}
                {g.instanceType ? <span class="muted"> {g.instanceType}</span> : null}
                {g.taskDefinition ? <span class="muted"> {g.taskDefinition}</span> : null}
              </td>
              <td>
                {g.capacity.min}/{g.capacity.desired}/{g.capacity.max}
              </td>
              <td>
                {g.enabled ? (
                  <span class="badge status-succeeded">serving</span>
                ) : (
                  <span class="badge status-canceled" title={g.disabledReason}>
                    disabled
                  </span>
                )}
              </td>
              <td>
                <Health group={g} />
              </td>
              <td>
                <Traffic weight={g.trafficWeight} />
              </td>
              <td>
                <DeployedBy executionId={g.executionId} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

function FunctionsTable({ functions }: { readonly functions: readonly FunctionSummary[] }) {
  return (
    <Section title="Lambda functions" actions={<span class="muted provider">Lambda</span>}>
      <table class="server-groups" data-provider="lambda">
        <thead>
          <tr>
            <th scope="col">Function</th>
            <th scope="col">Versions (newest first)</th>
            <th scope="col">Aliases and traffic</th>
            <th scope="col">State</th>
            <th scope="col">Deployed by</th>
          </tr>
        </thead>
        <tbody>
          {functions.map((f) => (
            <tr key={f.functionName} data-function={f.functionName}>
              <th scope="row">
                {f.functionName}
                {f.runtime ? <span class="muted"> {f.runtime}</span> : null}
              </th>
              <td>
                {f.versions
                  .slice(0, 3)
                  .map((v) => v.version)
                  .join(', ') || '—'}
              </td>
              <td>
                {f.aliases.length === 0 ? '—' : null}
                {f.aliases.map((a) => (
                  <div key={a.name} class="alias" data-alias={a.name}>
                    <strong>{a.name}</strong>{' '}
                    {a.traffic.map((t) => (
                      <span key={t.version} class="alias-weight" data-version={t.version}>
                        v{t.version} <Traffic weight={t.percent} />
                      </span>
                    ))}
                  </div>
                ))}
              </td>
              <td>{[f.state, f.lastUpdateStatus && f.lastUpdateStatus !== 'Successful' ? f.lastUpdateStatus : undefined].filter(Boolean).join(', ') || '—'}</td>
              <td>
                <DeployedBy executionId={f.lastDeploy?.executionId} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  );
}

export function Clusters({ application }: { readonly application: string }) {
  const params = new URLSearchParams(location.search);
  const [account, setAccount] = useState(params.get('account') ?? '');
  const [region, setRegion] = useState(params.get('region') ?? '');
  const [applied, setApplied] = useState({ account, region });
  const query = new URLSearchParams({
    ...(applied.account ? { account: applied.account } : {}),
    ...(applied.region ? { region: applied.region } : {}),
  }).toString();
  const { data, error } = usePoll<ApplicationClusters>(`/applications/${enc(application)}/clusters${query ? `?${query}` : ''}`, 3000);
  return (
    <>
      <h1>
        <a class="subtle-link" href={paths.application(application)}>
          {application}
        </a>{' '}
        / clusters
      </h1>
      <form
        class="location"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ account, region });
          const next = new URLSearchParams({ ...(account ? { account } : {}), ...(region ? { region } : {}) }).toString();
          history.replaceState(null, '', `${paths.clusters(application)}${next ? `?${next}` : ''}`);
        }}
      >
        <label>
          Account <input name="account" value={account} placeholder="default" onInput={(e) => setAccount((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          Region <input name="region" value={region} placeholder="default" onInput={(e) => setRegion((e.target as HTMLInputElement).value)} />
        </label>
        <button class="button" type="submit">
          Show
        </button>
      </form>
      {error ? <ErrorMessage error={error} /> : null}
      {!data && !error ? <Loading what="clusters" /> : null}
      {data ? (
        <>
          <p class="muted">
            {data.account} / {data.region}
          </p>
          {data.clusters.length === 0 && data.functions.length === 0 ? <p class="empty">No clusters.</p> : null}
          {data.clusters.map((c) => (
            <ClusterTable key={`${c.provider}:${c.ecsCluster ?? ''}:${c.cluster}`} cluster={c} />
          ))}
          {data.functions.length > 0 ? <FunctionsTable functions={data.functions} /> : null}
        </>
      ) : null}
    </>
  );
}
