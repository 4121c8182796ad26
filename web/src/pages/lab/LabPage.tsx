// One lab instance: the lab's texts, topology, services (with the instance's
// live state, IPs and ports), Start / Stop, the live log of the current or last
// operation, terminals into its running services (shell: true) and file
// transfer, its checks, flag, images, the lab's other instances and the
// solution, and attack and observe (toolboxes, tools, packet captures,
// link shaping: observe/); a VM's serial console is one of the terminals, and
// the screen of a VM whose console is vnc opens below them (VMScreen). Each
// part is a component of its own; this page holds the state they share
// (useLab.ts). The default instance needs no name in the page's address.
// Start on a lab of an untrusted repository that asks for more than a plain
// container, or publishes ports, asks first (TrustDialog).
import { useMemo, useRef, useState } from 'react';
import { api, DEFAULT_INSTANCE } from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { ChecksCard } from '../../components/ChecksCard';
import { FilesCard } from '../../components/FilesCard';
import { FlagCard } from '../../components/FlagCard';
import { TerminalPanel, useTerminals } from '../../components/Terminals';
import { VMScreen } from '../../components/VMScreen';
import { onNetwork } from '../../format';
import { Topology } from '../../components/Topology';
import { AboutCard } from './AboutCard';
import { ActivityCard } from './ActivityCard';
import { ImagesCard } from './ImagesCard';
import { InstancesCard } from './InstancesCard';
import { LabAlerts } from './LabAlerts';
import { LabManageBar } from './LabManage';
import { BackLink, LabHeader } from './LabHeader';
import { PortsExposure } from './PortsExposure';
import { LimitsLine, ServicesCard } from './ServicesCard';
import { SolutionCard } from './SolutionCard';
import { startQuestions, TrustDialog } from './TrustDialog';
import { useLabData, useLabOperations, useTerminalsFollow } from './useLab';
import { labNetworks, ObserveCards } from './observe/ObserveCards';
import { useToolboxes, useToolboxTerminalsFollow } from './observe/useObserve';
import './LabPage.css';

export function LabPage({ repo, name, instance = DEFAULT_INSTANCE }: { repo: string; name: string; instance?: string }) {
  const { lab, loadError, state, status, instances, images, imagesError, setExposed, setTrusted } = useLabData(repo, name, instance);
  const { op, requesting, requestError, run } = useLabOperations(repo, name, instance, lab);
  const terms = useTerminals(repo, name, instance);
  useTerminalsFollow(terms, state, status);
  const toolboxes = useToolboxes(repo, name, instance, status, state === 'running' || state === 'degraded');
  const serviceNames = useMemo(() => (lab?.services ?? []).map((s) => s.name), [lab]);
  useToolboxTerminalsFollow(terms, toolboxes.toolboxes, serviceNames);
  const [filesService, setFilesService] = useState('');
  const filesRef = useRef<HTMLElement>(null);
  // the VM whose screen is open ('' none)
  const [screen, setScreen] = useState('');
  const screenRef = useRef<HTMLElement>(null);
  // the question before an untrusted lab starts
  const [asking, setAsking] = useState(false);
  const [trusting, setTrusting] = useState(false);
  const [trustError, setTrustError] = useState<unknown>(null);

  if (loadError && !lab) {
    return (
      <div className="page">
        <BackLink />
        <ErrorAlert error={loadError} testId="load-error" />
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
  const risks = lab.risks ?? [];
  const blocked = !lab.trusted && risks.length > 0; // the server would refuse a plain start
  const questions = startQuestions(lab);
  const isUp = state !== 'stopped' && state !== 'unknown';
  const labRuns = state === 'running' || state === 'degraded';
  const services = lab.services ?? [];
  const containers = new Map((status?.services ?? []).map((s) => [s.name, s]));
  const hasFlag = !!lab.flag || (lab.actions ?? []).some((a) => a.name === 'ctf');
  // a toolbox is reached by its name like a service (terminals, files)
  const runningToolboxes = isUp ? toolboxes.toolboxes.filter((t) => t.state === 'running' && !containers.has(t.name)).map((t) => t.name) : [];
  const serviceRuns = (service: string) => isUp && (containers.get(service)?.state === 'running' || runningToolboxes.includes(service));
  const shellServices = services.filter((s) => s.shell).map((s) => s.name);
  const terminalTargets = [...shellServices, ...runningToolboxes];
  // a VM's files are its disk's: a copy would reach its helper container, not the VM
  const fileServices = [
    ...services.filter((s) => !s.vm).map((s) => ({ name: s.name, shell: !!s.shell, running: serviceRuns(s.name) })),
    ...runningToolboxes.map((t) => ({ name: t, shell: true, running: true })),
  ];
  // where the lab's ports bind is the lab's, for every instance: a change waits for the next start of each
  const anyUp = isUp || instances.length > 0;
  const runningOnNetwork = isUp && (status?.services ?? []).some((s) => (s.ports ?? []).some((p) => onNetwork(p.hostIP || '0.0.0.0')));
  // a screen stays open while its VM is in the lab (it says when the VM stopped)
  const screenService = services.some((s) => s.name === screen && s.vm?.console === 'vnc') ? screen : '';
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
          canStart: !busy && lab.valid !== false && state !== 'running',
          canStop: !busy && state !== 'stopped',
          starting: state === 'starting' || (opRunning && op?.kind === 'up'),
          stopping: state === 'stopping' || (opRunning && op?.kind === 'down'),
          startTitle: questions.ask ? `The repository ${lab.repo} is not trusted: Start asks you first` : undefined,
          startNote: blocked
            ? `The repository ${lab.repo} is not trusted, and this lab asks for ${risks.length === 1 ? 'a power' : 'powers'} beyond a plain container (below): Start asks whether to trust it or to start without ${risks.length === 1 ? 'it' : 'them'}.`
            : undefined,
          onStart: () => {
            if (!questions.ask) {
              run('up');
              return;
            }
            setTrustError(null);
            setAsking(true);
          },
          onStop: () => run('down'),
        }}
      />
      <LabManageBar repo={repo} lab={name} title={lab.title || lab.name} running={anyUp} />
      <LabAlerts lab={lab} requestError={requestError} op={op} />
      <TrustDialog
        lab={lab}
        open={asking}
        busy={trusting || requesting}
        error={trustError}
        onCancel={() => setAsking(false)}
        onTrustAndStart={async () => {
          setTrusting(true);
          setTrustError(null);
          try {
            const r = await api.setRepoTrust(lab.repo, true);
            setTrusted(r.trusted);
            if (!r.trusted) {
              setTrustError(`The repository ${lab.repo} is still not trusted.`);
              return;
            }
          } catch (e) {
            setTrustError(e);
            return;
          } finally {
            setTrusting(false);
          }
          setAsking(false);
          run('up');
        }}
        onStartWithoutRisks={() => {
          setAsking(false);
          run('up', { withoutRisks: true });
        }}
        onStart={() => {
          setAsking(false);
          run('up');
        }}
      />
      {loadError != null && <ErrorAlert error={loadError} lead="Could not reload the lab:" testId="load-error" />}

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
        exposed={typeof lab.exposed === 'boolean' ? lab.exposed : undefined}
        onTerminal={terms.open}
        onFiles={(service) => {
          setFilesService(service);
          filesRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
        }}
        labDir={lab.dir}
        onScreen={(service) => {
          setScreen(service);
          requestAnimationFrame(() => screenRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' }));
        }}
      >
        {typeof lab.exposed === 'boolean' && (
          <PortsExposure
            repo={repo}
            name={name}
            title={lab.title || lab.name}
            exposed={lab.exposed}
            running={anyUp}
            runningOnNetwork={runningOnNetwork}
            onChange={setExposed}
          />
        )}
        {lab.appliedLimits && <LimitsLine limits={lab.appliedLimits} />}
      </ServicesCard>

      {hasFlag && <FlagCard repo={repo} lab={name} instance={instance} running={labRuns} perInstance={!!lab.flag} />}

      <TerminalPanel terms={terms} shellServices={terminalTargets} canOpen={serviceRuns} />

      {screenService && (
        <VMScreen
          key={`${instance}/${screenService}`}
          target={{ repo, lab: name, instance, service: screenService }}
          running={serviceRuns(screenService) && state !== 'stopping'}
          onClose={() => setScreen('')}
          panelRef={screenRef}
        />
      )}

      {isUp && fileServices.some((s) => s.shell) && (
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

      <ObserveCards
        repo={repo}
        lab={name}
        instance={instance}
        state={state}
        status={isUp ? status : null}
        networks={labNetworks(lab.networks, isUp ? status : null)}
        services={serviceNames}
        toolboxes={toolboxes}
        onTerminal={terms.open}
      />

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
