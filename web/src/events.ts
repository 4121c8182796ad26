// One shared EventSource on /api/events for the whole app.
//  - subscribe(name, handler) for the named events (state, progress, operation,
//    repos: a repository was added, updated, published or removed, capture:
//    a packet capture started or ended);
//  - onReconnect(handler): called when the stream comes back after a drop, so
//    pages re-fetch what they may have missed;
//  - an operation store: every progress/operation event is kept per operation
//    id, so a page opened (or re-opened) mid-operation shows the whole log;
//    the latest one is known per lab instance and per repository (clone,
//    update, publish). A one-shot tool run (kind "tool") runs beside the
//    instance's operations: it is not the instance's latest operation (that
//    would hold Start and Stop while it runs) but its latest tool run.
import { useEffect, useRef, useSyncExternalStore } from 'react';
import {
  api,
  type Capture,
  DEFAULT_INSTANCE,
  instanceOf,
  type Operation,
  type OperationMessage,
  type OperationState,
  type ProgressEvent,
  type RepoEvent,
  type ProgressMessage,
  type StateEvent,
} from './api';

interface EventMap {
  state: StateEvent;
  progress: ProgressMessage;
  operation: OperationMessage;
  repos: RepoEvent;
  capture: Capture;
}
type EventName = keyof EventMap;

export type Connection = 'connecting' | 'open' | 'reconnecting' | 'closed';

const handlers: { [K in EventName]: Set<(data: EventMap[K]) => void> } = {
  state: new Set(),
  progress: new Set(),
  operation: new Set(),
  repos: new Set(),
  capture: new Set(),
};
const reconnectHandlers = new Set<() => void>();
const connectionListeners = new Set<() => void>();

let source: EventSource | null = null;
let connection: Connection = 'closed';
let everOpened = false;
let retryTimer: number | undefined;
let wanted = false;

function setConnection(c: Connection) {
  if (c === connection) return;
  connection = c;
  connectionListeners.forEach((f) => f());
}

function dispatch<K extends EventName>(name: K, raw: string) {
  let data: EventMap[K];
  try {
    data = JSON.parse(raw);
  } catch {
    return;
  }
  if (name === 'progress') recordProgress(data as ProgressMessage);
  if (name === 'operation') recordOperation(data as OperationMessage);
  handlers[name].forEach((h) => h(data));
}

function open() {
  if (source || !wanted) return;
  setConnection(everOpened ? 'reconnecting' : 'connecting');
  const es = new EventSource('/api/events');
  source = es;
  es.addEventListener('open', () => {
    const wasReconnect = everOpened;
    everOpened = true;
    setConnection('open');
    if (wasReconnect) {
      // the stream may have missed the end of an operation (the server
      // closes a stream that fell behind): read those still running again
      for (const op of ops.values()) if (op.state === 'running') void loadOperation(op.id);
      reconnectHandlers.forEach((f) => f());
    }
  });
  es.addEventListener('error', () => {
    if (es.readyState === EventSource.CLOSED) {
      // The browser gave up (e.g. 401, or the server is gone): check the
      // session (a 401 there goes to the login page) and retry later.
      source = null;
      setConnection('reconnecting');
      api.session().catch(() => {});
      window.clearTimeout(retryTimer);
      retryTimer = window.setTimeout(open, 3000);
    } else {
      setConnection('reconnecting');
    }
  });
  (['state', 'progress', 'operation', 'repos', 'capture'] as const).forEach((name) =>
    es.addEventListener(name, (e) => dispatch(name, (e as MessageEvent).data)),
  );
}

/** Start the stream (after login). */
export function connectEvents(): void {
  wanted = true;
  open();
}

/** Stop the stream (at logout or on a 401). */
export function disconnectEvents(): void {
  wanted = false;
  window.clearTimeout(retryTimer);
  source?.close();
  source = null;
  everOpened = false;
  setConnection('closed');
}

export function subscribe<K extends EventName>(name: K, h: (data: EventMap[K]) => void): () => void {
  handlers[name].add(h);
  return () => {
    handlers[name].delete(h);
  };
}

export function onReconnect(h: () => void): () => void {
  reconnectHandlers.add(h);
  return () => {
    reconnectHandlers.delete(h);
  };
}

/** React: run handler on each event of that name (the latest handler is used). */
export function useEvent<K extends EventName>(name: K, handler: (data: EventMap[K]) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => subscribe(name, (d) => ref.current(d)), [name]);
}

/** React: run handler when the stream reconnects after a drop. */
export function useReconnect(handler: () => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => onReconnect(() => ref.current()), []);
}

export function useConnection(): Connection {
  return useSyncExternalStore(
    (f) => {
      connectionListeners.add(f);
      return () => connectionListeners.delete(f);
    },
    () => connection,
  );
}

/** Whether a state event is about a lab's default instance (not a test run's, nor another instance). */
export function isDefaultInstance(ev: StateEvent): boolean {
  return instanceOf(ev) === DEFAULT_INSTANCE;
}

// ---- operations ------------------------------------------------------------

export interface OpLog {
  id: string;
  kind: string;
  lab: string;
  /** the lab instance it works on ("default" for servers that name none; "" for pulls) */
  instance: string;
  image: string;
  /** the repository of a repository operation (clone, update, publish); "" otherwise */
  repo: string;
  state: OperationState;
  error: string;
  /** a failed update's files edited in the checkout that were in its way */
  localChanges: string[];
  events: ProgressEvent[];
}

const ops = new Map<string, OpLog>();
/** the latest operation of each lab instance (opKey) */
const latestByKey = new Map<string, string>();
/** the latest tool run of each lab instance (opKey) */
const latestToolByKey = new Map<string, string>();
const latestPull: string[] = [];
/** the latest operation of each repository */
const latestByRepo = new Map<string, string>();
const opListeners = new Set<() => void>();
let opVersion = 0;

/** Where the latest operation of a lab instance is kept: REPO/LAB for the default instance, REPO/LAB#INSTANCE otherwise. */
export function opKey(lab: string, instance: string): string {
  return instance && instance !== DEFAULT_INSTANCE ? `${lab}#${instance}` : lab;
}

function opsChanged() {
  opVersion++;
  opListeners.forEach((f) => f());
}

function setLatest(lab: string, instance: string, id: string) {
  const key = opKey(lab, instance);
  latestByKey.set(key, id);
  try {
    sessionStorage.setItem(`dsp-op:${key}`, id);
  } catch {
    // storage unavailable: fine
  }
}

function setLatestRepo(repo: string, id: string) {
  latestByRepo.set(repo, id);
  try {
    sessionStorage.setItem(`dsp-repo-op:${repo}`, id);
  } catch {
    // storage unavailable: fine
  }
}

/** The kind of a one-shot tool run. */
const TOOL_KIND = 'tool';

function ensureOp(id: string, kind: string, lab: string, instance: string, image?: string, repo?: string): OpLog {
  let op = ops.get(id);
  if (!op) {
    op = { id, kind, lab, instance, image: image ?? '', repo: repo ?? '', state: 'running', error: '', localChanges: [], events: [] };
    ops.set(id, op);
    if (lab && kind === TOOL_KIND) latestToolByKey.set(opKey(lab, instance), id);
    else if (lab) setLatest(lab, instance, id);
    if (kind === 'pull') latestPull.push(id);
    if (repo && !lab) setLatestRepo(repo, id);
  } else if (repo && !op.repo) {
    op = { ...op, repo };
    ops.set(id, op);
  }
  return op;
}

/** The instance an operation message names: none (servers before instances) is the default one; pulls have none. */
function messageInstance(m: { lab?: string; instance?: string }): string {
  return m.lab ? instanceOf(m) : '';
}

function recordProgress(m: ProgressMessage) {
  const op = ensureOp(m.operation, m.kind, m.lab ?? '', messageInstance(m), m.image, m.repo);
  ops.set(op.id, { ...op, events: [...op.events, m.event] });
  opsChanged();
}

function recordOperation(m: OperationMessage) {
  const op = ensureOp(m.operation, m.kind, m.lab ?? '', messageInstance(m), m.image, m.repo);
  ops.set(op.id, { ...op, state: m.state, error: m.error ?? '', localChanges: m.localChanges ?? [], image: m.image || op.image });
  opsChanged();
}

/**
 * Note an operation the UI started from the page of a lab instance (the POST
 * answer may come after its first events): it becomes that instance's latest
 * operation, even when it works on another instance (a test run's "test").
 */
export function noteOperation(id: string, kind: string, lab: string, instance: string, image?: string): void {
  ensureOp(id, kind, lab, instance, image);
  if (lab) setLatest(lab, instance, id);
  opsChanged();
}

/** Note a repository operation the UI started (clone, update, publish): it becomes the repository's latest one. */
export function noteRepoOperation(id: string, kind: string, repo: string): void {
  ensureOp(id, kind, '', '', '', repo);
  setLatestRepo(repo, id);
  opsChanged();
}

/** Load an operation's whole log from the server (after a reconnect, or on opening a page). */
export async function loadOperation(id: string): Promise<OpLog | undefined> {
  let o: Operation;
  try {
    o = await api.operation(id);
  } catch {
    return ops.get(id);
  }
  const known = ensureOp(o.id || id, o.kind, o.lab, messageInstance(o), o.image, o.repo);
  const events = o.events ?? [];
  ops.set(known.id, {
    ...known,
    kind: o.kind || known.kind,
    state: o.state,
    error: o.error ?? '',
    localChanges: o.localChanges ?? [],
    // the server's log is complete; keep ours only if it somehow has more
    events: events.length >= known.events.length ? events : known.events,
  });
  opsChanged();
  return ops.get(known.id);
}

/** The id of the latest operation seen for a lab instance (this tab), if any. */
export function latestOperationOf(lab: string, instance: string): string | undefined {
  const key = opKey(lab, instance);
  const id = latestByKey.get(key);
  if (id) return id;
  try {
    return sessionStorage.getItem(`dsp-op:${key}`) ?? undefined;
  } catch {
    return undefined;
  }
}

function subscribeOps(f: () => void) {
  opListeners.add(f);
  return () => {
    opListeners.delete(f);
  };
}

/** React: the log of one operation, updated live. */
export function useOperation(id: string | undefined): OpLog | undefined {
  useSyncExternalStore(subscribeOps, () => opVersion);
  return id ? ops.get(id) : undefined;
}

/** The latest image pull started while this tab was open. */
export function latestPullOperation(): string | undefined {
  return latestPull[latestPull.length - 1];
}

/** React: the latest operation id of a lab instance, updated live. */
export function useLatestOperation(lab: string, instance: string): string | undefined {
  useSyncExternalStore(subscribeOps, () => opVersion);
  return latestByKey.get(opKey(lab, instance));
}

/** The id of the latest operation seen for a repository (this tab), if any. */
export function latestRepoOperationOf(repo: string): string | undefined {
  const id = latestByRepo.get(repo);
  if (id) return id;
  try {
    return sessionStorage.getItem(`dsp-repo-op:${repo}`) ?? undefined;
  } catch {
    return undefined;
  }
}

/** React: the latest operation id of a repository, updated live. */
export function useLatestRepoOperation(repo: string): string | undefined {
  useSyncExternalStore(subscribeOps, () => opVersion);
  return latestByRepo.get(repo);
}

/**
 * Note a tool run the UI started (the POST answer may come after its first
 * events): it becomes the instance's latest tool run, not its latest operation.
 */
export function noteToolOperation(id: string, lab: string, instance: string): void {
  ensureOp(id, TOOL_KIND, lab, instance);
  latestToolByKey.set(opKey(lab, instance), id);
  opsChanged();
}

/** React: the latest tool run of a lab instance seen in this tab, updated live. */
export function useLatestToolOperation(lab: string, instance: string): string | undefined {
  useSyncExternalStore(subscribeOps, () => opVersion);
  return latestToolByKey.get(opKey(lab, instance));
}
