/**
 * The Brooklet console front end (preact), bundled by scripts/build-console.mjs into
 * dist/console/. Pages by URL hash: #/ topics, #/topic/<name>, #/groups, #/group/<id>. Offsets,
 * sizes and lag refresh every two seconds by polling the JSON API (simple, survives a broker
 * restart, and costs the broker one in-memory read per poll). Everything shown from a message
 * or a client is rendered as text: no innerHTML anywhere.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Overview } from './api';
import { GroupPage, GroupsPage } from './groups';
import { TopicPage, TopicsPage } from './topics';

export const POLL_MS = 2000;

/** Calls `load` now and every POLL_MS while the page shows; `deps` restart it. */
export function usePoll<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const run = () => load().then((d) => { if (live) { setData(d); setError(null); } }, (e: Error) => { if (live) setError(e.message); });
    run();
    const timer = setInterval(run, POLL_MS);
    return () => { live = false; clearInterval(timer); };
  }, [...deps, tick]);
  return { data, error, reload: () => setTick((t) => t + 1) };
}

function useHash(): string {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return hash;
}

export function ErrorLine({ error }: { error: string | null }) {
  return error ? <p class="error" role="alert">{error}</p> : null;
}

function App() {
  const hash = useHash();
  const [overview, setOverview] = useState<Overview | null>(null);
  useEffect(() => { api.overview().then(setOverview, () => setOverview(null)); }, [hash]);
  const parts = hash.replace(/^#\/?/, '').split('/');
  const arg = parts[1] === undefined ? '' : decodeURIComponent(parts.slice(1).join('/'));
  let page;
  if (parts[0] === 'topic' && arg) page = <TopicPage name={arg} />;
  else if (parts[0] === 'groups') page = <GroupsPage />;
  else if (parts[0] === 'group' && arg) page = <GroupPage id={arg} />;
  else page = <TopicsPage />;
  const section = parts[0] === 'groups' || parts[0] === 'group' ? 'groups' : 'topics';
  return (
    <>
      <header>
        <a class="brand" href="#/">Brooklet</a>
        <nav>
          <a href="#/" class={section === 'topics' ? 'active' : ''}>Topics</a>
          <a href="#/groups" class={section === 'groups' ? 'active' : ''}>Consumer groups</a>
          <a href="/metrics">Metrics</a>
        </nav>
        {overview && <span class="bootstrap" title="Kafka bootstrap address">{overview.bootstrap}</span>}
      </header>
      <main>{page}</main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
