/** The console's entry: read /config.json, finish a sign-in if one is under way, then route. */
import { render } from 'preact';
import { completeSignIn, configure, consoleConfig, type ConsoleConfig, signedInUser, signOut } from './auth.js';
import { ErrorMessage } from './components.js';
import { interceptLinks, paths, useRoute } from './router.js';
import './styles.css';
import { Application } from './views/Application.js';
import { Applications } from './views/Applications.js';
import { Clusters } from './views/Clusters.js';
import { Run } from './views/Run.js';
import { StartRun } from './views/StartRun.js';

function Page() {
  const route = useRoute();
  switch (route.view) {
    case 'applications':
      return <Applications />;
    case 'application':
      return <Application key={route.application} application={route.application} />;
    case 'clusters':
      return <Clusters key={route.application} application={route.application} />;
    case 'start':
      return <StartRun application={route.application} pipeline={route.pipeline} />;
    case 'run':
      return <Run key={route.executionId} executionId={route.executionId} {...(route.stage ? { stage: route.stage } : {})} />;
    case 'not-found':
      return <ErrorMessage error={Object.assign(new Error(`nothing here at ${route.path}`), { status: 404 })} />;
  }
}

function App() {
  const config = consoleConfig();
  const user = config.auth === 'cognito' ? signedInUser() : undefined;
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={paths.applications()}>
          Gennaker
        </a>
        {config.localMode ? <span class="badge status-paused">local</span> : null}
        <span class="spacer" />
        {user ? (
          <>
            <span class="muted">{user}</span>
            <button type="button" class="button" onClick={signOut}>
              Sign out
            </button>
          </>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        <Page />
      </main>
    </>
  );
}

async function start(): Promise<void> {
  const root = document.getElementById('app')!;
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`cannot read /config.json (${response.status})`);
    configure((await response.json()) as ConsoleConfig);
    await completeSignIn();
  } catch (error) {
    render(<ErrorMessage error={error as Error} />, root);
    return;
  }
  interceptLinks();
  root.textContent = '';
  render(<App />, root);
}

void start();
