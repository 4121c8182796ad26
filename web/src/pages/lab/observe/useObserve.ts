// The state the attack-and-observe cards share with the lab page: the
// toolboxes attached to the instance and the images a toolbox may run.
//
// The toolboxes come with the instance's status (`status.toolboxes`, in the
// lab's details and in `state` events). Attaching or detaching one does not
// change the instance's state, so no `state` event follows it: after its own
// attach or detach the card reads GET …/toolboxes again (refresh), and so it
// does after a reconnect of the event stream.
//
// The toolbox images are read once, again after a reconnect, after a build of
// dsp's toolbox ends, and taken from the answer of a registration.
import { useCallback, useEffect, useRef, useState } from 'react';
import { observeApi, type LabStatus, type Toolbox, type ToolboxImage } from '../../../api';
import type { Terminals } from '../../../components/Terminals';
import { loadOperation, noteOperation, useEvent, useOperation, useReconnect, type OpLog } from '../../../events';

export interface ToolboxList {
  toolboxes: Toolbox[];
  /** read the list from the server again */
  refresh: () => Promise<void>;
}

export function useToolboxes(repo: string, lab: string, instance: string, status: LabStatus | null, running: boolean): ToolboxList {
  const [toolboxes, setToolboxes] = useState<Toolbox[]>([]);
  useEffect(() => {
    setToolboxes(running ? (status?.toolboxes ?? []) : []);
  }, [status, running]);
  const runningRef = useRef(running);
  runningRef.current = running;
  const refresh = useCallback(async () => {
    if (!runningRef.current) return;
    try {
      const r = await observeApi.toolboxes(repo, lab, instance);
      if (runningRef.current) setToolboxes(r.toolboxes ?? []);
    } catch {
      // the status (state events, reloads) still tells
    }
  }, [repo, lab, instance]);
  useReconnect(() => {
    refresh();
  });
  return { toolboxes, refresh };
}

export interface ToolboxImages {
  images: ToolboxImage[] | null;
  error: unknown;
  /** read the list from the server again (after a build of dsp's toolbox) */
  refresh: () => Promise<void>;
  /** take a list the server answered (registering an image answers the new one) */
  set: (images: ToolboxImage[]) => void;
}

/** The images a toolbox may run (dsp's own, present or not, the user's registered ones and those labelled io.dsp.toolbox=true). */
export function useToolboxImages(): ToolboxImages {
  const [images, setImages] = useState<ToolboxImage[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const live = useRef(true);
  const refresh = useCallback(async () => {
    try {
      const r = await observeApi.toolboxImages();
      if (!live.current) return;
      setImages(r.images ?? []);
      setError(null);
    } catch (e) {
      if (live.current) setError(e);
    }
  }, []);
  const set = useCallback((list: ToolboxImage[]) => {
    setImages(list);
    setError(null);
  }, []);
  useEffect(() => {
    live.current = true;
    refresh();
    return () => {
      live.current = false;
    };
  }, [refresh]);
  useReconnect(() => {
    refresh();
  });
  return { images, error, refresh, set };
}

/** The build of dsp's toolbox image that this tab follows (started here, or seen in the event stream). */
let followedBuild: string | undefined;

export interface ToolboxBuild {
  /** dsp's toolbox image ('' until the list is read) */
  image: string;
  /** the list says dsp's toolbox is not on the Docker Engine */
  missing: boolean;
  /** the build followed, if any: its log, state and error */
  op: OpLog | undefined;
  /** the build followed ended done while this page watched it */
  built: boolean;
  /** the POST is on its way */
  starting: boolean;
  /** the refusal of the POST (409: the base image is missing, or a build runs already) */
  error: unknown;
  start: () => Promise<void>;
}

/**
 * Building dsp's toolbox from the browser: POST /api/toolbox-images/build
 * starts an operation on the image (no lab); its `progress` events are its
 * log and, when its `operation` event ends it (done or failed), the image
 * list is read again so that the image becomes selectable. A build started
 * from another tab is followed too (its events name the image and no lab).
 */
export function useToolboxBuild(images: ToolboxImages): ToolboxBuild {
  const builtin = images.images?.find((i) => i.builtin);
  const image = builtin?.image ?? '';
  const [opId, setOpId] = useState<string | undefined>(followedBuild);
  const op = useOperation(opId);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const follow = useCallback((id: string) => {
    followedBuild = id;
    setOpId(id);
  }, []);

  useEvent('progress', (m) => {
    if (m.kind === 'build' && !m.lab && image && m.image === image && m.operation !== opId) follow(m.operation);
  });
  useReconnect(() => {
    if (opId) loadOperation(opId);
  });

  // once the build is seen ended (its operation event, or its log read after a reconnect): the list again
  const { refresh } = images;
  // (a build that had ended before this page opened is in the list read at its opening)
  const ended = useRef<string | undefined>(op && op.state !== 'running' ? op.id : undefined);
  const watched = useRef(new Set<string>());
  if (op?.state === 'running') watched.current.add(op.id);
  useEffect(() => {
    if (!op || op.state === 'running' || ended.current === op.id) return;
    ended.current = op.id;
    refresh();
  }, [op, refresh]);

  const start = useCallback(async () => {
    setStarting(true);
    setError(null);
    try {
      const r = await observeApi.buildToolboxImage();
      noteOperation(r.operation, r.kind, '', '', r.image);
      follow(r.operation);
    } catch (e) {
      setError(e);
    } finally {
      setStarting(false);
    }
  }, [follow]);

  return {
    image,
    missing: !!builtin && !builtin.present,
    op,
    built: op?.state === 'done' && watched.current.has(op.id),
    starting,
    error,
    start,
  };
}

/** Terminals into a toolbox end when it is detached (those into the lab's services follow the services). */
export function useToolboxTerminalsFollow(terms: Terminals, toolboxes: Toolbox[], services: string[]): void {
  const { endWhere } = terms;
  const seen = useRef(new Set<string>());
  useEffect(() => {
    const now = new Set(toolboxes.filter((t) => t.state === 'running').map((t) => t.name));
    const gone = [...seen.current].filter((n) => !now.has(n) && !services.includes(n));
    seen.current = now;
    if (gone.length) endWhere((s) => gone.includes(s), 'the toolbox was detached: the terminal was closed');
  }, [toolboxes, services, endWhere]);
}
