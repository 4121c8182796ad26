// The state behind the lab page: the lab's details and the instance's live
// state (from the state events), the images it needs, and its operations
// (the latest one, and starting new ones).
import { useCallback, useEffect, useState } from 'react';
import { api, errorMessage, instanceOf, type LabDetail, type LabImage, type LabState, type LabStatus } from '../../api';
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
  lab: LabDetail | null;
  loadError: string;
  /** the instance's state and what Docker says about it, followed live */
  state: LabState;
  status: LabStatus | null;
  images: LabImage[] | null;
  imagesError: string;
}

/** The lab's details for one instance and the images it needs, reloaded when an operation on the lab ends. */
export function useLabData(repo: string, name: string, instance: string): LabData {
  const id = `${repo}/${name}`;
  const [lab, setLab] = useState<LabDetail | null>(null);
  const [loadError, setLoadError] = useState('');
  const [state, setState] = useState<LabState>('unknown');
  const [status, setStatus] = useState<LabStatus | null>(null);
  const [images, setImages] = useState<LabImage[] | null>(null);
  const [imagesError, setImagesError] = useState('');

  const loadLab = useCallback(async () => {
    try {
      const l = await api.lab(repo, name, instance);
      setLab(l);
      setState(l.status?.state ?? l.state);
      setStatus(l.status ?? null);
      setLoadError('');
    } catch (e) {
      setLoadError(errorMessage(e));
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
    // another instance (a test run's own "test" one, say) is not the one the page shows
    if (ev.lab !== id || instanceOf(ev) !== instance) return;
    setState(ev.state);
    if (ev.status) setStatus(ev.status);
  });

  useEvent('operation', (ev) => {
    if (ev.lab !== id || ev.state === 'running') return;
    // an operation ended: take the final state, IPs and images
    loadLab();
    loadImages();
  });

  return { lab, loadError, state, status, images, imagesError };
}

export type LabAction = 'up' | 'down' | 'build' | 'test' | 'checks';

export interface LabOperations {
  /** the latest operation on the lab seen here, or the one the server names */
  op: OpLog | undefined;
  /** a request that starts one is on its way */
  requesting: boolean;
  requestError: string;
  run: (kind: LabAction) => void;
}

/** The lab's latest operation, and run() to start one on the page's instance. */
export function useLabOperations(repo: string, name: string, instance: string, lab: LabDetail | null): LabOperations {
  const id = `${repo}/${name}`;
  const [requestError, setRequestError] = useState('');
  const [requesting, setRequesting] = useState(false);
  const [pickedOp, setPickedOp] = useState<string | undefined>(() => latestOperationOf(id));
  const liveOp = useLatestOperation(id);
  const anyOp = useOperation(liveOp ?? pickedOp);
  // an id remembered from before a restart of dsp may name another lab's operation
  const op = anyOp && anyOp.lab === id ? anyOp : undefined;

  // each load of the lab may name its latest operation: follow it (its whole log)
  useEffect(() => {
    if (!lab) return;
    const known = latestOperationOf(id) ?? (lab.operation || undefined);
    if (known) {
      setPickedOp(known);
      loadOperation(known);
    }
  }, [lab, id]);

  const run = async (kind: LabAction) => {
    setRequestError('');
    setRequesting(true);
    try {
      const r = kind === 'test' || kind === 'build' ? await api[kind](repo, name) : await api[kind](repo, name, instance);
      noteOperation(r.operation, r.kind || kind, r.lab || id);
      setPickedOp(r.operation);
    } catch (e) {
      setRequestError(errorMessage(e));
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
