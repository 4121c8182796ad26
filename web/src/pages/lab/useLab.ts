// The state behind the lab page of one instance: the lab's details, the
// instance's live state (from the state events), the lab's running instances,
// the images it needs, and its operations (the latest one, starting new ones).
import { useCallback, useEffect, useState } from 'react';
import {
  api,
  errorMessage,
  instanceOf,
  type LabImage,
  type LabInstance,
  type LabState,
  type LabStatus,
  type LabView,
  type StartOptions,
} from '../../api';
import type { Terminals } from '../../components/Terminals';
import {
  latestOperationOf,
  loadOperation,
  noteOperation,
  useEvent,
  useLatestOperation,
  useOperation,
  useReconnect,
  type OpLog,
} from '../../events';

export interface LabData {
  lab: LabView | null;
  /** why the lab's details could not be loaded (an ApiError), or null */
  loadError: unknown;
  /** the instance's state and what Docker says about it, followed live */
  state: LabState;
  status: LabStatus | null;
  /** the lab's instances that are not stopped, by name, followed live */
  instances: LabInstance[];
  images: LabImage[] | null;
  imagesError: string;
  /** take the server's word on whether the lab is exposed (the answer of PUT …/exposure) */
  setExposed: (exposed: boolean) => void;
  /** take the server's word on whether the lab's repository is trusted (the answer of PUT /api/repos/…/trust) */
  setTrusted: (trusted: boolean) => void;
}

/** The list with one instance's new state: a stopped instance leaves it. */
function withInstance(list: LabInstance[], instance: string, state: LabInstance['state']): LabInstance[] {
  const rest = list.filter((i) => i.instance !== instance);
  if (state === 'stopped') return rest;
  return [...rest, { instance, state }].sort((a, b) => a.instance.localeCompare(b.instance));
}

/** The lab's details for one instance and the images it needs, reloaded when an operation on the lab ends. */
export function useLabData(repo: string, name: string, instance: string): LabData {
  const id = `${repo}/${name}`;
  const [lab, setLab] = useState<LabView | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [state, setState] = useState<LabState>('unknown');
  const [status, setStatus] = useState<LabStatus | null>(null);
  const [instances, setInstances] = useState<LabInstance[]>([]);
  const [images, setImages] = useState<LabImage[] | null>(null);
  const [imagesError, setImagesError] = useState('');

  const loadLab = useCallback(async () => {
    try {
      const l = await api.lab(repo, name, instance);
      setLab(l);
      setState(l.status?.state ?? l.state);
      setStatus(l.status ?? null);
      setInstances(l.instances);
      setLoadError(null);
    } catch (e) {
      setLoadError(e);
    }
  }, [repo, name, instance]);

  const loadImages = useCallback(async () => {
    try {
      const r = await api.labImages(repo, name);
      setImages(r.images ?? []);
      setImagesError('');
    } catch (e) {
      setImagesError(errorMessage(e));
    }
  }, [repo, name]);

  useEffect(() => {
    loadLab();
    loadImages();
  }, [loadLab, loadImages]);

  useReconnect(() => {
    loadLab();
    loadImages();
  });

  useEvent('state', (ev) => {
    if (ev.lab !== id) return;
    setInstances((list) => withInstance(list, instanceOf(ev), ev.state));
    // another instance (a test run's own "test" one, say) is not the one the page shows
    if (instanceOf(ev) !== instance) return;
    setState(ev.state);
    if (ev.status) setStatus(ev.status);
  });

  useEvent('operation', (ev) => {
    if (ev.lab !== id || ev.state === 'running') return;
    // an operation ended: take the final state, IPs, instances and images
    loadLab();
    loadImages();
  });

  const setExposed = useCallback((exposed: boolean) => setLab((l) => (l ? { ...l, exposed } : l)), []);
  const setTrusted = useCallback((trusted: boolean) => setLab((l) => (l ? { ...l, trusted } : l)), []);

  return { lab, loadError, state, status, instances, images, imagesError, setExposed, setTrusted };
}

export type LabAction = 'up' | 'down' | 'build' | 'test' | 'checks';

export interface LabOperations {
  /** the latest operation on the instance seen here, or the one the server names */
  op: OpLog | undefined;
  /** a request that starts one is on its way */
  requesting: boolean;
  /** the refusal of the latest request (an ApiError: its status says what kind), or null */
  requestError: unknown;
  /** start an operation; `opts` for a start (up) only */
  run: (kind: LabAction, opts?: StartOptions) => Promise<boolean>;
}

/** The instance's latest operation, and run() to start one on it (a build is the lab's, a test runs on "test"). */
export function useLabOperations(repo: string, name: string, instance: string, lab: LabView | null): LabOperations {
  const id = `${repo}/${name}`;
  const [requestError, setRequestError] = useState<unknown>(null);
  const [requesting, setRequesting] = useState(false);
  const [pickedOp, setPickedOp] = useState<string | undefined>(() => latestOperationOf(id, instance));
  const liveOp = useLatestOperation(id, instance);
  const anyOp = useOperation(liveOp ?? pickedOp);
  // an id remembered from before a restart of dsp may name another lab's operation
  const op = anyOp && anyOp.lab === id ? anyOp : undefined;

  // each load of the lab may name the instance's latest operation: follow it (its whole log)
  useEffect(() => {
    if (!lab) return;
    const known = latestOperationOf(id, instance) ?? (lab.operation || undefined);
    if (known) {
      setPickedOp(known);
      loadOperation(known);
    }
  }, [lab, id, instance]);

  /** resolves true when the operation started, false when the request was refused (requestError says why) */
  const run = async (kind: LabAction, opts?: StartOptions) => {
    setRequestError(null);
    setRequesting(true);
    try {
      const r =
        kind === 'test' || kind === 'build'
          ? await api[kind](repo, name)
          : kind === 'up'
            ? await api.up(repo, name, instance, opts)
            : await api[kind](repo, name, instance);
      noteOperation(r.operation, r.kind || kind, r.lab || id, instance);
      setPickedOp(r.operation);
      return true;
    } catch (e) {
      setRequestError(e);
      return false;
    } finally {
      setRequesting(false);
    }
  };

  return { op, requesting, requestError, run };
}

/** Terminals end when the instance stops or their service is no longer running. */
export function useTerminalsFollow(terms: Terminals, state: LabState, status: LabStatus | null): void {
  const { endWhere } = terms;
  useEffect(() => {
    if (state === 'stopping' || state === 'stopped') {
      endWhere(() => true, state === 'stopping' ? 'the lab is stopping: the terminal was closed' : 'the lab stopped: the terminal was closed');
      return;
    }
    const byName = new Map((status?.services ?? []).map((s) => [s.name, s]));
    endWhere((service) => {
      const rt = byName.get(service);
      return !!rt && rt.state !== 'running';
    }, 'the service stopped: the terminal was closed');
  }, [state, status, endWhere]);
}
