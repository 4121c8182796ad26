// The VM settings (x-dsp.vm) of the edited lab's services, by service name,
// for the side panel. The editor's model does not carry x-dsp.vm, so they
// come from the lab's details (the saved file): those the editor page holds,
// read again after each save; their files relative to the lab's folder, as
// the compose file names them.
import { useEffect, useMemo, useState } from 'react';
import { api, type LabView, type SaveResult, type VMDef } from '../../api';
import { vmInLab } from '../../vm';

export function useVMs(repo: string, lab: string, details: LabView | null, saved: SaveResult | null): Record<string, VMDef> {
  const [fresh, setFresh] = useState<LabView | null>(null);

  // details the page loaded since are as new
  useEffect(() => setFresh(null), [details]);

  useEffect(() => {
    if (!saved) return;
    let gone = false;
    api.lab(repo, lab).then(
      (l) => {
        if (!gone) setFresh(l);
      },
      () => {}, // the page's details stand
    );
    return () => {
      gone = true;
    };
  }, [repo, lab, saved]);

  const from = fresh ?? details;
  const services = from?.services;
  const dir = from?.dir;
  return useMemo(() => {
    const vms: Record<string, VMDef> = {};
    for (const s of services ?? []) if (s.vm) vms[s.name] = vmInLab(s.vm, dir);
    return vms;
  }, [services, dir]);
}
