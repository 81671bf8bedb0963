/**
 * An application's clusters in one account and region (the caller's own by default): each server
 * group with its version, image, capacity, serving state, health, traffic weight where the target
 * has one, and the run that deployed it; then its Lambda functions with versions and aliases' traffic.
 */
import { useState } from 'preact/hooks';
import { enc } from '../api.js';
import { ErrorMessage, Loading, Section } from '../components.js';
import { usePoll } from '../poll.js';
import { paths } from '../router.js';
import type { ApplicationClusters, ServerGroupSummary } from '../../../functions/api/clusters.js';

function Health({ group }: { readonly group: ServerGroupSummary }) {
  const { up, total } = group.health;
  return (
    <span class={`health health-${group.health.state}`} aria-label={`${up} of ${total} instances up`}>
      <span class="health-bar" style={{ width: total === 0 ? '0%' : `${(100 * up) / total}%` }} />
      <span class="health-text">
        {up}/{total} up
      </span>
    </span>
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
          history.replaceState(
            null,
            '',
            `${paths.clusters(application)}${query ? `?${new URLSearchParams({ ...(account ? { account } : {}), ...(region ? { region } : {}) })}` : ''}`,
          );
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
            <Section key={c.cluster} title={c.cluster}>
              <table class="server-groups">
                <thead>
                  <tr>
                    <th scope="col">Server group</th>
                    <th scope="col">Version</th>
                    <th scope="col">Image</th>
                    <th scope="col">Capacity (min/desired/max)</th>
                    <th scope="col">Serving</th>
                    <th scope="col">Health</th>
                    <th scope="col">Deployed by</th>
                  </tr>
                </thead>
                <tbody>
                  {[...c.serverGroups].reverse().map((g) => (
                    <tr key={g.name} data-server-group={g.name} data-enabled={String(g.enabled)}>
                      <th scope="row">{g.name}</th>
                      <td>{g.version}</td>
                      <td>
                        {g.imageId ?? '—'}
                        {g.instanceType ? <span class="muted"> {g.instanceType}</span> : null}
                      </td>
                      <td>
                        {g.capacity.min}/{g.capacity.desired}/{g.capacity.max}
                      </td>
                      <td>{g.enabled ? <span class="badge status-succeeded">serving</span> : <span class="badge status-canceled">disabled</span>}</td>
                      <td>
                        <Health group={g} />
                      </td>
                      <td>{g.executionId ? <a href={paths.run(g.executionId)}>{g.executionId.slice(0, 24)}</a> : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
          ))}
          {data.functions.length > 0 ? (
            <Section title="Lambda functions">
              <table class="server-groups">
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
                  {data.functions.map((f) => (
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
                        {f.aliases.map((a) => (
                          <div key={a.name}>
                            {a.name}: {a.traffic.map((t) => `v${t.version} ${t.percent}%`).join(' / ')}
                          </div>
                        ))}
                      </td>
                      <td>{f.state ?? '—'}</td>
                      <td>{f.lastDeploy ? <a href={paths.run(f.lastDeploy.executionId)}>{f.lastDeploy.executionId.slice(0, 24)}</a> : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Section>
          ) : null}
        </>
      ) : null}
    </>
  );
}
