// Hash routing: #/, #/lab/<repo>/<lab> (?instance=<name> for another instance
// than the default one), #/edit/<repo>/<lab> (the lab editor), #/images, #/repos, #/settings, #/login; the catalogue
// takes ?repo=<name> to show one repository's labs.
import { useEffect, useState } from 'react';
import { DEFAULT_INSTANCE, INSTANCE_NAME } from './api';

export type Route =
  | { page: 'catalogue' }
  | { page: 'lab'; repo: string; lab: string; instance: string }
  | { page: 'edit'; repo: string; lab: string }
  | { page: 'images' }
  | { page: 'repos' }
  | { page: 'settings' }
  | { page: 'login' }
  | { page: 'notfound'; path: string };

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function parseHash(hash: string): Route {
  // a query in the hash (#/login?expired=1) is for the page, not the route
  const path = hash.replace(/^#/, '').replace(/\?.*$/, '') || '/';
  const query = new URLSearchParams(/\?(.*)$/.exec(hash)?.[1] ?? '');
  const parts = path.split('/').filter((p, i) => i > 0 || p !== '');
  if (path === '/' || parts.length === 0) return { page: 'catalogue' };
  switch (parts[0]) {
    case 'lab':
      if (parts.length === 3) {
        // a name that cannot be an instance's shows the default instance
        const named = query.get('instance') ?? '';
        const instance = INSTANCE_NAME.test(named) ? named : DEFAULT_INSTANCE;
        return { page: 'lab', repo: decode(parts[1]), lab: decode(parts[2]), instance };
      }
      break;
    case 'edit':
      if (parts.length === 3) return { page: 'edit', repo: decode(parts[1]), lab: decode(parts[2]) };
      break;
    case 'images':
      return { page: 'images' };
    case 'repos':
      return { page: 'repos' };
    case 'settings':
      return { page: 'settings' };
    case 'login':
      return { page: 'login' };
  }
  return { page: 'notfound', path };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const f = () => setRoute(parseHash(location.hash));
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  return route;
}

/** The query part of the hash (#/login?expired=1 → expired=1). */
export function hashQuery(): URLSearchParams {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

export function navigate(hash: string): void {
  if (location.hash !== hash) location.hash = hash;
}
