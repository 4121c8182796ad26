// The lab page's terminals: tabs (service name, status dot, close ×), a split
// view of two side by side, full screen within the page. Each tab is one
// TermSession (its own xterm and its own websocket); every tab stays mounted
// so a hidden one keeps its screen and keeps receiving output.
import { useCallback, useEffect, useLayoutEffect, useRef, useState, useSyncExternalStore } from 'react';
import { terminalUrl } from '../api';
import { TermSession, type TermSnapshot, type TermStatus } from '../terminal';
import { Icon } from './Icons';
import './Terminals.css';

export interface TermTab {
  id: string;
  service: string;
  label: string;
  session: TermSession;
}

export interface Terminals {
  tabs: TermTab[];
  /** Tab ids in the left and (split view) right pane. */
  panes: [string | null, string | null];
  focusedPane: 0 | 1;
  split: boolean;
  full: boolean;
  /** Bumped on each open, so the panel scrolls into view and focuses the new terminal. */
  opened: number;
  open: (service: string) => void;
  close: (id: string) => void;
  show: (id: string) => void;
  focusPane: (pane: 0 | 1) => void;
  setSplit: (on: boolean) => void;
  setFull: (on: boolean) => void;
  /** End (close the websocket of) every live terminal whose service matches. */
  endWhere: (match: (service: string) => boolean, message: string) => void;
}

let nextId = 1;

/** The terminals of one lab page (into one lab instance); all are closed when the page goes away. */
export function useTerminals(repo: string, lab: string, instance: string): Terminals {
  const [tabs, setTabs] = useState<TermTab[]>([]);
  const [panes, setPanes] = useState<[string | null, string | null]>([null, null]);
  const [focusedPane, setFocusedPane] = useState<0 | 1>(0);
  const [split, setSplitState] = useState(false);
  const [full, setFull] = useState(false);
  const [opened, setOpened] = useState(0);
  const live = useRef(new Map<string, TermSession>());
  const counts = useRef(new Map<string, number>());
  const tabsRef = useRef(tabs);
  tabsRef.current = tabs;
  const panesRef = useRef(panes);
  panesRef.current = panes;
  const splitRef = useRef(split);
  splitRef.current = split;

  useEffect(() => {
    const sessions = live.current;
    return () => {
      sessions.forEach((s) => s.dispose());
      sessions.clear();
    };
  }, []);

  /** A new tab and its session (which connects once a pane shows it). */
  const newTab = useCallback(
    (service: string): TermTab => {
      const id = `term-${nextId++}`;
      const n = (counts.current.get(service) ?? 0) + 1;
      counts.current.set(service, n);
      const session = new TermSession(id, service, (cols, rows) => terminalUrl({ repo, lab, instance, service }, cols, rows));
      live.current.set(id, session);
      const tab: TermTab = { id, service, label: n > 1 ? `${service} ${n}` : service, session };
      setTabs((t) => [...t, tab]);
      setOpened((x) => x + 1);
      return tab;
    },
    [repo, lab, instance],
  );

  const open = useCallback(
    (service: string) => {
      const { id } = newTab(service);
      setPanes((p) => {
        const next: [string | null, string | null] = [p[0], p[1]];
        next[split && p[0] ? focusedPane : 0] = id;
        return next;
      });
    },
    [newTab, split, focusedPane],
  );

  const close = useCallback((id: string) => {
    const s = live.current.get(id);
    s?.dispose();
    live.current.delete(id);
    const all = tabsRef.current;
    const at = all.findIndex((t) => t.id === id);
    const rest = all.filter((t) => t.id !== id);
    setTabs(rest);
    // a pane that showed it shows a neighbour instead: the tab before, else the one after
    const order = [...all.slice(0, Math.max(at, 0)).reverse(), ...all.slice(at + 1)];
    const twoPanes = splitRef.current;
    setPanes((p) => {
      const next: [string | null, string | null] = twoPanes ? [p[0], p[1]] : [p[0], null];
      const shown = new Set(next.filter((x) => x && x !== id));
      const spare = () => order.find((t) => !shown.has(t.id))?.id ?? null;
      for (const i of [0, 1] as const) {
        if (next[i] === id) {
          next[i] = spare();
          if (next[i]) shown.add(next[i]!);
        }
      }
      if (!next[0] && next[1]) return [next[1], null];
      return next;
    });
    if (rest.length < 2) {
      // nothing to put beside it: one pane again
      setSplitState(false);
      setFocusedPane(0);
    }
    if (rest.length === 0) setFull(false);
  }, []);

  const show = useCallback(
    (id: string) => {
      const p = panesRef.current;
      if (p[0] === id) return setFocusedPane(0);
      if (split && p[1] === id) return setFocusedPane(1);
      const target = split ? focusedPane : 0;
      setPanes((cur) => {
        const next: [string | null, string | null] = [cur[0], cur[1]];
        next[target] = id;
        return next;
      });
    },
    [split, focusedPane],
  );

  const setSplit = useCallback(
    (on: boolean) => {
      setSplitState(on);
      if (!on) {
        setFocusedPane(0);
        // the terminal in focus stays on screen
        setPanes((p) => (focusedPane === 1 && p[1] ? [p[1], p[0]] : p));
        return;
      }
      const p = panesRef.current;
      const other = tabsRef.current.find((t) => t.id !== p[0]);
      if (other) {
        setPanes([p[0], p[1] && p[1] !== p[0] && tabsRef.current.some((t) => t.id === p[1]) ? p[1] : other.id]);
        setFocusedPane(1);
      } else {
        // one terminal: the right pane gets a new one into the same service
        const first = tabsRef.current[0];
        setFocusedPane(1);
        if (first) setPanes([first.id, newTab(first.service).id]);
      }
    },
    [focusedPane, newTab],
  );

  const endWhere = useCallback((match: (service: string) => boolean, message: string) => {
    live.current.forEach((s) => {
      if (match(s.service)) s.end(message);
    });
  }, []);

  return {
    tabs,
    panes,
    focusedPane,
    split,
    full,
    opened,
    open,
    close,
    show,
    focusPane: setFocusedPane,
    setSplit,
    setFull,
    endWhere,
  };
}

const STATUS_TEXT: Record<TermStatus, string> = {
  connecting: 'connecting…',
  open: 'connected',
  exited: 'exited',
  disconnected: 'disconnected',
  failed: 'could not connect',
  error: 'error',
  ended: 'ended',
};

function tone(status: TermStatus): string {
  switch (status) {
    case 'open':
      return 'ok';
    case 'connecting':
      return 'busy';
    case 'exited':
    case 'ended':
      return 'idle';
    default:
      return 'bad';
  }
}

function useSnapshot(session: TermSession): TermSnapshot {
  return useSyncExternalStore(session.subscribe, session.snapshot);
}

function statusLine(s: TermSnapshot): string {
  switch (s.status) {
    case 'exited':
      return `exited with code ${s.code ?? 0}`;
    case 'disconnected':
      return 'disconnected: the connection to the terminal was lost';
    case 'failed':
      return s.message || 'could not open a terminal (is the lab running?)';
    case 'error':
      return `error: ${s.message || 'the terminal failed'}`;
    case 'ended':
      return s.message || 'the terminal was closed';
    default:
      return '';
  }
}

function TabButton({
  tab,
  selected,
  onShow,
  onClose,
}: {
  tab: TermTab;
  selected: boolean;
  onShow: () => void;
  onClose: () => void;
}) {
  const snap = useSnapshot(tab.session);
  return (
    <div className={`term-tab${selected ? ' term-tab-on' : ''}`} data-tab={tab.id} data-service={tab.service} data-status={snap.status}>
      <button
        type="button"
        role="tab"
        aria-selected={selected}
        className="term-tab-main"
        onClick={onShow}
        title={`${tab.label}: ${STATUS_TEXT[snap.status]}`}
      >
        <span className={`term-dot tone-${tone(snap.status)}`} aria-hidden="true" />
        <span className="term-tab-label">{tab.label}</span>
      </button>
      <button type="button" className="term-tab-close" aria-label={`Close terminal ${tab.label}`} title="Close this terminal" onClick={onClose}>
        <Icon name="x" size={13} />
      </button>
    </div>
  );
}

function TermPane({
  tab,
  slot,
  focused,
  split,
  canStart,
  focusOnShow,
  onFocus,
  onClose,
}: {
  tab: TermTab;
  slot: 'left' | 'right' | 'hidden';
  focused: boolean;
  split: boolean;
  canStart: boolean;
  focusOnShow: number;
  onFocus: () => void;
  onClose: () => void;
}) {
  const host = useRef<HTMLDivElement>(null);
  const snap = useSnapshot(tab.session);
  const session = tab.session;

  useLayoutEffect(() => {
    if (host.current) session.attach(host.current);
  }, [session]);

  useEffect(() => {
    if (slot === 'hidden') return;
    session.fitNow();
    if (focused) session.focus();
  }, [slot, focused, split, session, focusOnShow]);

  const line = statusLine(snap);
  const again = snap.status === 'exited' || snap.status === 'ended' ? 'New shell' : snap.status === 'failed' ? 'Retry' : 'Reconnect';
  return (
    <div
      className={`term-pane term-${slot}${focused && split ? ' term-focused' : ''}`}
      data-testid="terminal"
      data-tab={tab.id}
      data-service={tab.service}
      data-status={snap.status}
      onMouseDownCapture={onFocus}
    >
      {split && (
        <div className="term-pane-head">
          <span className={`term-dot tone-${tone(snap.status)}`} aria-hidden="true" />
          <strong>{tab.label}</strong>
          <span className="muted">{STATUS_TEXT[snap.status]}</span>
        </div>
      )}
      <div className="term-screen" ref={host} />
      {line && (
        <div className={`term-banner term-banner-${tone(snap.status)}`} role="status" data-testid="terminal-status">
          <span className="term-banner-text">{line}</span>
          <span className="term-banner-actions">
            <button
              type="button"
              className="btn btn-sm"
              disabled={!canStart}
              title={canStart ? `Open a new shell in ${tab.service}` : `${tab.service} is not running: start the lab first`}
              onClick={() => {
                session.connect();
                session.focus();
              }}
            >
              <Icon name={again === 'New shell' ? 'terminal' : 'refresh'} size={14} /> {again}
            </button>
            <button type="button" className="btn btn-sm btn-ghost" onClick={onClose}>
              Close
            </button>
          </span>
        </div>
      )}
    </div>
  );
}

export function TerminalPanel({
  terms,
  shellServices,
  canOpen,
}: {
  terms: Terminals;
  /** Services a terminal may be opened into (shell: true), in order. */
  shellServices: string[];
  /** Whether a service runs now (a new terminal, a reconnect). */
  canOpen: (service: string) => boolean;
}) {
  const panel = useRef<HTMLElement>(null);
  const { tabs, panes, split, full, focusedPane } = terms;

  useEffect(() => {
    if (terms.opened > 0 && !full) panel.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [terms.opened, full]);

  // the page behind a full-screen terminal does not scroll
  useEffect(() => {
    if (!full) return;
    document.body.classList.add('no-scroll');
    return () => document.body.classList.remove('no-scroll');
  }, [full]);

  if (tabs.length === 0) return null;
  const left = panes[0] ?? tabs[0].id;
  const right = split ? panes[1] : null;
  const slotOf = (id: string): 'left' | 'right' | 'hidden' => (id === left ? 'left' : id === right ? 'right' : 'hidden');

  return (
    <section
      ref={panel}
      className={`card section terms${full ? ' terms-full' : ''}${split ? ' terms-split' : ''}`}
      data-testid="terminals"
      aria-label="Terminals"
    >
      <div className="terms-bar">
        <h2 className="terms-title">
          <Icon name="terminal" /> Terminals
        </h2>
        <div className="terms-tabs" role="tablist" aria-label="Open terminals">
          {tabs.map((t) => (
            <TabButton
              key={t.id}
              tab={t}
              selected={t.id === left || t.id === right}
              onShow={() => terms.show(t.id)}
              onClose={() => terms.close(t.id)}
            />
          ))}
        </div>
        <div className="terms-tools">
          <NewTerminal services={shellServices} canOpen={canOpen} onOpen={terms.open} />
          <button
            type="button"
            className={`btn btn-sm${split ? ' btn-on' : ''}`}
            aria-pressed={split}
            onClick={() => terms.setSplit(!split)}
            title={split ? 'Show one terminal' : 'Show two terminals side by side'}
            data-testid="terminal-split"
            disabled={!split && tabs.length < 2 && !canOpen(tabs[0].service)}
          >
            <Icon name="split" size={15} /> Split
          </button>
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => terms.setFull(!full)}
            title={full ? 'Back to the lab page' : 'Fill the window with the terminals'}
            data-testid="terminal-fullscreen"
          >
            <Icon name={full ? 'minimize' : 'maximize'} size={15} /> {full ? 'Exit full screen' : 'Full screen'}
          </button>
        </div>
      </div>
      <div className={`terms-panes${split ? ' terms-panes-split' : ''}`}>
        {tabs.map((t) => {
          const slot = slotOf(t.id);
          return (
            <TermPane
              key={t.id}
              tab={t}
              slot={slot}
              split={split}
              focused={slot === 'left' ? !split || focusedPane === 0 : slot === 'right' && focusedPane === 1}
              canStart={canOpen(t.service)}
              focusOnShow={terms.opened}
              onFocus={() => {
                if (slot === 'left') terms.focusPane(0);
                else if (slot === 'right') terms.focusPane(1);
              }}
              onClose={() => terms.close(t.id)}
            />
          );
        })}
      </div>
    </section>
  );
}

/** "New terminal" into a service: a button per service (a menu when there are many). */
function NewTerminal({
  services,
  canOpen,
  onOpen,
}: {
  services: string[];
  canOpen: (service: string) => boolean;
  onOpen: (service: string) => void;
}) {
  if (services.length === 0) return null;
  if (services.length <= 2) {
    return (
      <>
        {services.map((s) => (
          <button
            key={s}
            type="button"
            className="btn btn-sm"
            disabled={!canOpen(s)}
            onClick={() => onOpen(s)}
            title={canOpen(s) ? `Open another terminal in ${s}` : `${s} is not running`}
            data-testid="terminal-new"
            data-service={s}
          >
            <Icon name="plus" size={14} /> {s}
          </button>
        ))}
      </>
    );
  }
  return (
    <select
      className="select-sm"
      value=""
      aria-label="Open a new terminal"
      data-testid="terminal-new-select"
      onChange={(e) => {
        if (e.target.value) onOpen(e.target.value);
      }}
    >
      <option value="">+ New terminal…</option>
      {services.map((s) => (
        <option key={s} value={s} disabled={!canOpen(s)}>
          {s}
          {canOpen(s) ? '' : ' (not running)'}
        </option>
      ))}
    </select>
  );
}
