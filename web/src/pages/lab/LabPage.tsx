// One lab instance: the lab's texts, topology, services (with the instance's
// live state, IPs and ports), Start / Stop, the live log of the current or last
// operation, terminals into its running services (shell: true) and file
// transfer, its checks, flag, images, the lab's other instances and the
// solution. Each part is a component of its own; this page holds the state they
// share (useLab.ts). The default instance needs no name in the page's address.
import { useRef, useState } from 'react';
import { DEFAULT_INSTANCE } from '../../api';
import { ChecksCard } from '../../components/ChecksCard';
import { FilesCard } from '../../components/FilesCard';
import { FlagCard } from '../../components/FlagCard';
import { TerminalPanel, useTerminals } from '../../components/Terminals';
import { Topology } from '../../components/Topology';
import { AboutCard } from './AboutCard';
import { ActivityCard } from './ActivityCard';
import { ImagesCard } from './ImagesCard';
import { InstancesCard } from './InstancesCard';
import { LabAlerts } from './LabAlerts';
import { BackLink, LabHeader } from './LabHeader';
import { ServicesCard } from './ServicesCard';
import { SolutionCard } from './SolutionCard';
import { useLabData, useLabOperations, useTerminalsFollow } from './useLab';
import './LabPage.css';

export function LabPage({ repo, name, instance = DEFAULT_INSTANCE }: { repo: string; name: string; instance?: string }) {
  const { lab, loadError, state, status, instances, images, imagesError } = useLabData(repo, name, instance);
  const { op, requesting, requestError, run } = useLabOperations(repo, name, instance, lab);
  const terms = useTerminals(repo, name, instance);
  useTerminalsFollow(terms, state, status);
  const [filesService, setFilesService] = useState('');
  const filesRef = useRef<HTMLElement>(null);

  if (loadError && !lab) {
    return (
      <div className="page">
        <BackLink />
        <div className="alert alert-error">{loadError}</div>
      </div>
    );
  }
  if (!lab) {
    return (
      <div className="page">
        <div className="loading">Loading {name}…</div>
      </div>
    );
  }

  const opRunning = op?.state === 'running';
  const busy = requesting || opRunning || state === 'starting' || state === 'stopping';
  const blocked = !lab.trusted && (lab.risks ?? []).length > 0; // the server would refuse it
  const isUp = state !== 'stopped' && state !== 'unknown';
  const labRuns = state === 'running' || state === 'degraded';
  const services = lab.services ?? [];
  const containers = new Map((status?.services ?? []).map((s) => [s.name, s]));
  const hasFlag = !!lab.flag || (lab.actions ?? []).some((a) => a.name === 'ctf');
  const serviceRuns = (service: string) => isUp && containers.get(service)?.state === 'running';
  const shellServices = services.filter((s) => s.shell).map((s) => s.name);
  const fileServices = services.map((s) => ({ name: s.name, shell: !!s.shell, running: serviceRuns(s.name) }));
  const filesSelected = fileServices.some((s) => s.name === filesService && s.shell)
    ? filesService
    : ((fileServices.find((s) => s.shell && s.running) ?? fileServices.find((s) => s.shell))?.name ?? '');

  return (
    <div className="page lab-page" data-testid="lab-page">
      <BackLink />
      <LabHeader
        lab={lab}
        instance={instance}
        state={state}
        actions={{
          canStart: !busy && lab.valid !== false && !blocked && state !== 'running',
          canStop: !busy && state !== 'stopped',
          starting: state === 'starting' || (opRunning && op?.kind === 'up'),
          stopping: state === 'stopping' || (opRunning && op?.kind === 'down'),
          startTitle: blocked ? `The repository is not trusted: dsp repo trust ${lab.repo}` : undefined,
          onStart: () => run('up'),
          onStop: () => run('down'),
        }}
      />
      <LabAlerts lab={lab} requestError={requestError} op={op} />

      <div className="lab-grid">
        <AboutCard lab={lab} />
        <ActivityCard op={op} isUp={isUp} />
      </div>

      <section className="card section">
        <div className="section-head">
          <h2>Topology</h2>
        </div>
        <Topology networks={lab.networks} services={lab.services} status={isUp ? status : null} />
      </section>

      <ServicesCard
        services={services}
        containers={containers}
        isUp={isUp}
        onTerminal={terms.open}
        onFiles={(service) => {
          setFilesService(service);
          filesRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
        }}
      />

      {hasFlag && <FlagCard repo={repo} lab={name} instance={instance} running={labRuns} perInstance={!!lab.flag} />}

      <TerminalPanel terms={terms} shellServices={shellServices} canOpen={serviceRuns} />

      {isUp && shellServices.length > 0 && (
        <FilesCard
          repo={repo}
          lab={name}
          instance={instance}
          services={fileServices}
          selected={filesSelected}
          onSelect={setFilesService}
          cardRef={filesRef}
        />
      )}

      <ChecksCard lab={lab} running={labRuns} busy={busy} op={op} onRun={run} />

      <ImagesCard images={images} error={imagesError} busy={busy} onBuild={() => run('build')} />

      {lab.instancesKnown && (
        <InstancesCard
          repo={repo}
          name={name}
          current={instance}
          currentState={state}
          instances={instances}
          canStart={lab.valid !== false && !blocked}
          onStopCurrent={() => run('down')}
        />
      )}

      <SolutionCard lab={lab} />
    </div>
  );
}
