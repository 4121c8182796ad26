// The app: checks the session, shows the login page or the pages behind the
// sidebar, and keeps the one event stream open while logged in.
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api, DEFAULT_INSTANCE, setUnauthorizedHandler } from './api';
import { Layout } from './components/Layout';
import { connectEvents, disconnectEvents } from './events';
import { Catalogue } from './pages/Catalogue';
import { Images } from './pages/Images';
import { LabPage } from './pages/lab/LabPage';
import { Login } from './pages/Login';
import { Repos } from './pages/repos/Repos';
import { Settings } from './pages/Settings';
import { navigate, useRoute, type Route } from './router';

// the editor (xyflow, CodeMirror) is a chunk of its own, fetched when first opened
const EditorPage = lazy(() => import('./pages/editor/EditorPage').then((m) => ({ default: m.EditorPage })));

type Auth = 'checking' | 'in' | 'out';
const RETURN_KEY = 'dsp-return';

function rememberReturn() {
  const h = location.hash;
  if (h && !h.startsWith('#/login')) sessionStorage.setItem(RETURN_KEY, h);
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'catalogue':
      return <Catalogue />;
    case 'lab':
      // one page per lab instance: switching instances starts afresh (terminals, files, log)
      return (
        <LabPage key={`${route.repo}/${route.lab}#${route.instance}`} repo={route.repo} name={route.lab} instance={route.instance} />
      );
    case 'edit':
      return (
        <Suspense fallback={<div className="page"><div className="loading">Opening the editor…</div></div>}>
          <EditorPage key={`${route.repo}/${route.lab}`} repo={route.repo} lab={route.lab} />
        </Suspense>
      );
    case 'images':
      return <Images />;
    case 'repos':
      return <Repos />;
    case 'settings':
      return <Settings />;
    default:
      return (
        <div className="page">
          <h1 className="page-title">Not found</h1>
          <p>
            Nothing here. <a href="#/">Back to the labs</a>.
          </p>
        </div>
      );
  }
}

const TITLES: Record<string, string> = { catalogue: 'Labs', images: 'Images', repos: 'Repositories', settings: 'Settings', login: 'Log in' };

export function App() {
  const route = useRoute();
  const [auth, setAuth] = useState<Auth>('checking');

  useEffect(() => {
    setUnauthorizedHandler(() => {
      rememberReturn();
      disconnectEvents();
      setAuth('out');
    });
    api
      .session()
      .then(() => setAuth('in'))
      .catch(() => {
        rememberReturn();
        setAuth('out');
      });
  }, []);

  useEffect(() => {
    if (auth === 'in') {
      connectEvents();
      if (route.page === 'login') navigate(sessionStorage.getItem(RETURN_KEY) || '#/');
    } else if (auth === 'out' && route.page !== 'login') {
      navigate('#/login');
    }
  }, [auth, route.page]);

  useEffect(() => {
    const t =
      route.page === 'lab'
        ? `${route.lab}${route.instance !== DEFAULT_INSTANCE ? ` (${route.instance})` : ''}`
        : route.page === 'edit'
          ? `Edit ${route.lab}`
          : (TITLES[route.page] ?? 'dsp');
    document.title = `${t} · dsp`;
  }, [route]);

  const loggedIn = useCallback(() => {
    const back = sessionStorage.getItem(RETURN_KEY) || '#/';
    sessionStorage.removeItem(RETURN_KEY);
    setAuth('in');
    navigate(back.startsWith('#/login') ? '#/' : back);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.logout();
    } catch {
      // logged out anyway
    }
    disconnectEvents();
    sessionStorage.removeItem(RETURN_KEY);
    setAuth('out');
    navigate('#/login');
  }, []);

  if (auth === 'checking') return <div className="boot" aria-busy="true" />;
  if (auth === 'out' || route.page === 'login') return auth === 'out' ? <Login onLoggedIn={loggedIn} /> : <div className="boot" />;
  return (
    <Layout route={route} onLogout={logout}>
      <Page route={route} />
    </Layout>
  );
}
