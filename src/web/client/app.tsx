/**
 * `isokit ui`: the single-page app. Five pages (Write, Burn, Create, Open, Rip) behind a hash router, one event
 * stream for every job. Preact (5.9 KB gzipped for a screen like these, JSX compiled by the project's esbuild
 * with no plugin; see ../shared/docs/research/web-ecosystem.md §2.1).
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { connectEvents, eventsState, get, subscribe, type ApiErrorBody } from './api.js';
import { ErrorBox, toError } from './components.js';
import { CreatePage } from './pages/create.js';
import { OpenPage } from './pages/open.js';
import { BurnPage, RipPage } from './pages/optical.js';
import { WritePage } from './pages/write.js';

interface Session { version: string; roots: string[]; root: boolean; capabilities: { burn: boolean; rip: boolean; opticalDrives: boolean; windowsStick: boolean; udfWriter: boolean } }

const PAGES = [
  ['write', 'Write a stick'],
  ['burn', 'Burn a disc'],
  ['create', 'Create an image'],
  ['open', 'Open an image'],
  ['rip', 'Rip a disc'],
] as const;
type PageName = (typeof PAGES)[number][0];

const pageFromHash = (): PageName => {
  const h = location.hash.replace(/^#\/?/, '');
  return (PAGES.find(([p]) => p === h)?.[0] ?? 'write') as PageName;
};

function App() {
  const [page, setPage] = useState<PageName>(pageFromHash());
  const [session, setSession] = useState<Session | undefined>();
  const [error, setError] = useState<ApiErrorBody | undefined>();
  const [events, setEvents] = useState(eventsState);
  useEffect(() => subscribe(() => setEvents(eventsState)), []);
  useEffect(() => {
    const on = () => setPage(pageFromHash());
    addEventListener('hashchange', on);
    get<Session>('/api/session').then((s) => {
      setSession(s);
      connectEvents();
    }, (e: unknown) => setError(toError(e)));
    return () => removeEventListener('hashchange', on);
  }, []);
  useEffect(() => {
    document.title = `${PAGES.find(([p]) => p === page)?.[1] ?? ''} — isokit`;
    document.querySelector<HTMLElement>('main h1')?.focus();
  }, [page, !!session]);
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/write">isokit</a>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map(([p, label]) => (
              <li key={p}><a href={`#/${p}`} aria-current={p === page ? 'page' : undefined}>{label}</a></li>
            ))}
            <li><a href="offline.html">Browser-only page</a></li>
          </ul>
        </nav>
        {session ? <span class="version">v{session.version}</span> : null}
      </header>
      <main id="main">
        {error ? <ErrorBox error={error} /> : null}
        {events === 'closed' ? <ErrorBox error={{ code: 'EVENTS', message: 'The connection to isokit ui is lost: progress cannot be shown', hint: 'reload the page; if that fails, start isokit ui again and open the link it prints' }} /> : null}
        {events === 'retrying' ? <p class="warn" role="status">Reconnecting to isokit ui…</p> : null}
        {session ? (
          page === 'write' ? <WritePage windowsStick={session.capabilities.windowsStick} /> :
          page === 'burn' ? <BurnPage /> :
          page === 'create' ? <CreatePage udfAvailable={session.capabilities.udfWriter} /> :
          page === 'open' ? <OpenPage /> :
          <RipPage />
        ) : null}
      </main>
    </div>
  );
}

render(<App />, document.getElementById('app') as HTMLElement);
