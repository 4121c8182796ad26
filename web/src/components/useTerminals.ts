// The terminals of one lab page: their tabs, which ones the two panes show,
// split view and full screen. Each tab is one TermSession (its own xterm and
// its own websocket into a service of the page's lab instance); all are
// closed when the page goes away.
import { useCallback, useEffect, useRef, useState } from 'react';
import { terminalUrl } from '../api';
import { TermSession } from '../terminal';

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
