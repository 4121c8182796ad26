// Attack and observe, on the lab page: toolboxes, one-shot tools, packet
// captures and link shaping. They work on the running instance; while it does
// not run, one line says why (and the captures it kept stay listed).
import type { LabState, LabStatus, NetworkDef } from '../../../api';
import { Icon } from '../../../components/Icons';
import { CapturesCard } from './CapturesCard';
import { LinksCard } from './LinksCard';
import { notRunningWhy } from './common';
import { ToolboxesCard } from './ToolboxesCard';
import { ToolsCard } from './ToolsCard';
import { useToolboxBuild, useToolboxImages, type ToolboxList } from './useObserve';
import './observe.css';

/** The lab's networks as the page knows them: the lab's own, else those the running instance has. */
export function labNetworks(defs: NetworkDef[] | undefined, status: LabStatus | null): NetworkDef[] {
  if (defs && defs.length) {
    const running = new Map((status?.networks ?? []).map((n) => [n.name, n.subnet]));
    return defs.filter((n) => !n.external).map((n) => ({ ...n, subnet: n.subnet || running.get(n.name) || undefined }));
  }
  return (status?.networks ?? []).map((n) => ({ name: n.name, subnet: n.subnet }));
}

export function ObserveCards({
  repo,
  lab,
  instance,
  state,
  status,
  networks,
  services,
  toolboxes,
  onTerminal,
}: {
  repo: string;
  lab: string;
  instance: string;
  state: LabState;
  status: LabStatus | null;
  networks: NetworkDef[];
  /** the lab's services */
  services: string[];
  toolboxes: ToolboxList;
  onTerminal: (name: string) => void;
}) {
  const why = notRunningWhy(state);
  const running = why === '';
  const images = useToolboxImages();
  const build = useToolboxBuild(images);
  const toolboxNames = toolboxes.toolboxes.map((t) => t.name);
  // the links change with the containers: a toolbox attached or detached, the instance restarted,
  // a container started (a toolbox may first be listed created, without its interfaces)
  const containers = [
    state,
    ...(status?.services ?? []).map((s) => `${s.name}:${s.containerId ?? ''}:${s.state}`),
    ...toolboxes.toolboxes.map((t) => `${t.name}:${t.containerId ?? ''}:${t.state}`),
  ].join(',');

  return (
    <>
      {running ? (
        <>
          <ToolboxesCard
            repo={repo}
            lab={lab}
            instance={instance}
            running={running}
            toolboxes={toolboxes.toolboxes}
            networks={networks}
            services={services}
            images={images.images}
            imagesError={images.error}
            onImages={images.set}
            build={build}
            onChanged={toolboxes.refresh}
            onTerminal={onTerminal}
          />
          <ToolsCard
            repo={repo}
            lab={lab}
            instance={instance}
            running={running}
            networks={networks}
            targets={[...services, ...toolboxNames]}
            images={images.images}
            build={build}
          />
        </>
      ) : (
        <section className="card section observe-card observe-idle" data-testid="observe-idle">
          <div className="section-head">
            <h2>Attack and observe</h2>
          </div>
          <p className="observe-why" data-testid="observe-why">
            <Icon name="info" size={15} />
            <span>
              {why} Toolboxes (containers of your own on the lab’s networks), one-shot tools such as nmap and curl, packet captures
              and link shaping (rate, delay, loss) work on the running lab.
            </span>
          </p>
        </section>
      )}
      <CapturesCard
        repo={repo}
        lab={lab}
        instance={instance}
        running={running}
        why={why}
        networks={networks}
        services={services}
        toolboxes={toolboxNames}
      />
      {running && <LinksCard repo={repo} lab={lab} instance={instance} running={running} refreshKey={containers} />}
    </>
  );
}
