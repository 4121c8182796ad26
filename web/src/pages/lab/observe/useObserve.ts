// The state the attack-and-observe cards share with the lab page: the
// toolboxes attached to the instance and the images a toolbox may run.
//
// The toolboxes come with the instance's status (`status.toolboxes`, in the
// lab's details and in `state` events). Attaching or detaching one does not
// change the instance's state, so no `state` event follows it: after its own
// attach or detach the card reads GET …/toolboxes again (refresh), and so it
// does after a reconnect of the event stream.
import { useCallback, useEffect, useRef, useState } from 'react';
import { observeApi, type LabStatus, type Toolbox, type ToolboxImage } from '../../../api';
import type { Terminals } from '../../../components/Terminals';
import { useReconnect } from '../../../events';

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
}

/** The images a toolbox may run (dsp's own, present or not, and those labelled io.dsp.toolbox=true). */
export function useToolboxImages(): ToolboxImages {
  const [images, setImages] = useState<ToolboxImage[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let live = true;
    observeApi
      .toolboxImages()
      .then((r) => live && (setImages(r.images ?? []), setError(null)))
      .catch((e) => live && setError(e));
    return () => {
      live = false;
    };
  }, []);
  return { images, error };
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
