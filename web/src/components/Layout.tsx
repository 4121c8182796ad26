// The frame of every page after login: a sidebar (logo, navigation, theme,
// log out, connection state) and the main area.
import { useState, type ReactNode } from 'react';
import { useConnection } from '../events';
import type { Route } from '../router';
import { effectiveTheme, setTheme, type Theme } from '../theme';
import { Icon } from './Icons';
import './Layout.css';

interface Props {
  route: Route;
  onLogout: () => void;
  children: ReactNode;
}

function NavLink({ href, icon, label, active }: { href: string; icon: string; label: string; active: boolean }) {
  return (
    <a href={href} className={`nav-link${active ? ' active' : ''}`} aria-current={active ? 'page' : undefined}>
      <Icon name={icon} size={18} />
      <span>{label}</span>
    </a>
  );
}

export function Layout({ route, onLogout, children }: Props) {
  const [theme, setThemeState] = useState<Theme>(effectiveTheme());
  const connection = useConnection();
  const toggle = () => {
    const t = theme === 'dark' ? 'light' : 'dark';
    setTheme(t);
    setThemeState(t);
  };
  const labsActive = route.page === 'catalogue' || route.page === 'lab' || route.page === 'edit';
  return (
    <div className="app">
      <aside className="sidebar">
        <a className="logo" href="#/" aria-label="dsp: labs">
          <span className="logo-mark" aria-hidden="true">
            <svg viewBox="0 0 32 32" width="28" height="28">
              <rect width="32" height="32" rx="8" fill="currentColor" />
              <path d="M9 10h14M9 16h14M9 22h8" stroke="var(--logo-fg)" strokeWidth="3" strokeLinecap="round" />
            </svg>
          </span>
          <span className="logo-text">
            dsp
            <small>security playground</small>
          </span>
        </a>
        <nav className="nav">
          <NavLink href="#/" icon="labs" label="Labs" active={labsActive} />
          <NavLink href="#/images" icon="images" label="Images" active={route.page === 'images'} />
          <NavLink href="#/repos" icon="repos" label="Repositories" active={route.page === 'repos'} />
          <NavLink href="#/settings" icon="settings" label="Settings" active={route.page === 'settings'} />
        </nav>
        <div className="sidebar-foot">
          <div className={`conn conn-${connection}`} title="Live updates from dsp">
            <span className="dot" aria-hidden="true" />
            {connection === 'open' ? 'Live' : connection === 'closed' ? 'Offline' : 'Reconnecting…'}
          </div>
          <button type="button" className="nav-link nav-button" onClick={toggle} title="Switch between dark and light">
            <Icon name={theme === 'dark' ? 'sun' : 'moon'} size={18} />
            <span>{theme === 'dark' ? 'Light theme' : 'Dark theme'}</span>
          </button>
          <button type="button" className="nav-link nav-button" onClick={onLogout}>
            <Icon name="logout" size={18} />
            <span>Log out</span>
          </button>
        </div>
      </aside>
      <main className="main">{children}</main>
    </div>
  );
}
