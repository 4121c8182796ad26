// The services of the lab: each one's image, container state, addresses and
// published ports, with Terminal and Files for those that allow a shell, and
// the notes of a running service that runs otherwise than its lab asked
// (privileged mode emulated, say). Above the table: where the ports bind
// and what bounds each container (the children). A virtual machine
// (x-dsp.vm) has a VM badge with its summary, Console (its serial console,
// in the terminals) instead of Terminal, Screen when its console is vnc, and
// no Files (a copy would reach its helper container, not the VM).
import type { ReactNode } from 'react';
import type { Limits, ServiceDef, ServiceStatus } from '../../api';
import { Icon } from '../../components/Icons';
import { StateBadge } from '../../components/StateBadge';
import { limitsText } from '../../format';
import { bootText, vmSummary } from '../../vm';
import { ServicePorts } from './ServicePorts';
import './ServicesCard.css';

function ServiceRow({
  def,
  rt,
  running,
  exposed,
  onTerminal,
  onFiles,
  onScreen,
  labDir,
}: {
  def: ServiceDef;
  /** its container, while the instance is up */
  rt?: ServiceStatus;
  /** the instance is up (a service without a container is then "missing") */
  running: boolean;
  exposed?: boolean;
  onTerminal: () => void;
  onFiles: () => void;
  onScreen: () => void;
  /** the lab's folder (the VM's files are named relative to it) */
  labDir?: string;
}) {
  const up = rt?.state === 'running';
  const vm = def.vm;
  const nets = rt?.networks?.length ? rt.networks : (def.networks ?? []);
  const ports = rt ? (rt.ports ?? []) : (def.ports ?? []);
  const notes = (rt?.notes ?? []).filter((n) => n.trim() !== '');
  return (
    <>
      <tr data-service={def.name} className={notes.length ? 'has-notes' : undefined}>
        <td>
          <strong>{def.name}</strong>
          {def.privileged && <span className="tag tag-warn">privileged</span>}
          {vm && (
            <div>
              <span
                className="tag tag-vm"
                data-testid="vm-badge"
                title={`A virtual machine (x-dsp.vm) that QEMU runs in dsp's helper container, on the service's addresses${bootText(vm, labDir) ? `: ${bootText(vm, labDir)}` : ''}`}
              >
                {vmSummary(vm)}
              </span>
            </div>
          )}
        </td>
        <td className="mono small wrap-anywhere">{rt?.image || def.image || <span className="muted">built: {def.build}</span>}</td>
        <td>
          {rt ? <StateBadge state={rt.state} title={rt.status || rt.state} /> : <StateBadge state={running ? 'missing' : 'stopped'} />}
          {rt?.status && <div className="muted small">{rt.status}</div>}
        </td>
        <td>
          {nets.length === 0 ? (
            <span className="muted">—</span>
          ) : (
            <ul className="plain-list">
              {nets.map((n) => (
                <li key={n.name}>
                  <span className="muted">{n.name}</span> <span className="mono ip">{n.ip || (rt ? '' : 'auto')}</span>
                </li>
              ))}
            </ul>
          )}
        </td>
        <td>
          <ServicePorts ports={ports} published={!!rt} exposed={exposed} />
        </td>
        <td className="actions-cell">
          {def.shell && (
            <span className="row-actions">
              <button
                type="button"
                className="btn btn-sm"
                disabled={!up}
                onClick={onTerminal}
                title={
                  up ? (vm ? `Open the serial console of the VM ${def.name}` : `Open a terminal in ${def.name}`) : `${def.name} is not running`
                }
                data-testid="open-terminal"
              >
                <Icon name="terminal" size={14} /> {vm ? 'Console' : 'Terminal'}
              </button>
              {vm?.console === 'vnc' && (
                <button
                  type="button"
                  className="btn btn-sm"
                  disabled={!up}
                  onClick={onScreen}
                  title={up ? `Show the screen of the VM ${def.name} (VNC)` : `${def.name} is not running`}
                  data-testid="open-screen"
                >
                  <Icon name="screen" size={14} /> Screen
                </button>
              )}
              {!vm && (
                <button
                  type="button"
                  className="btn btn-sm btn-ghost"
                  disabled={!up}
                  onClick={onFiles}
                  title={up ? `Copy files in and out of ${def.name}` : `${def.name} is not running`}
                  data-testid="open-files"
                >
                  <Icon name="file" size={14} /> Files
                </button>
              )}
            </span>
          )}
        </td>
      </tr>
      {notes.length > 0 && (
        <tr className="service-notes-row" data-notes-of={def.name}>
          <td colSpan={6}>
            <ul className="plain-list service-notes" data-testid="service-notes" aria-label={`How ${def.name} runs`}>
              {notes.map((n, i) => (
                <li key={i}>
                  <Icon name="info" size={14} />
                  <span>{n}</span>
                </li>
              ))}
            </ul>
          </td>
        </tr>
      )}
    </>
  );
}

/** What bounds each container of the lab: "Each container: at most 2048 processes, 512 MiB, 1 CPU". */
export function LimitsLine({ limits }: { limits: Limits }) {
  return (
    <p
      className="limits-line"
      data-testid="limits"
      title="Applied to every container that sets no limit of its own: the lab's x-dsp.limits within yours (dsp limits)"
    >
      <Icon name="info" size={15} />
      <span>
        <strong>Each container:</strong> {limitsText(limits)}
      </span>
    </p>
  );
}

export function ServicesCard({
  services,
  containers,
  isUp,
  exposed,
  onTerminal,
  onFiles,
  onScreen,
  labDir,
  children,
}: {
  services: ServiceDef[];
  /** the containers by service, while the instance is up */
  containers: Map<string, ServiceStatus>;
  isUp: boolean;
  /** the lab is exposed: where the ports of a stopped lab will bind */
  exposed?: boolean;
  onTerminal: (service: string) => void;
  onFiles: (service: string) => void;
  /** show the screen of a VM whose console is vnc */
  onScreen: (service: string) => void;
  /** the lab's folder */
  labDir?: string;
  /** what holds for every service: where ports bind, limits */
  children?: ReactNode;
}) {
  return (
    <section className="card section services-card" data-testid="services-card">
      <div className="section-head">
        <h2>
          Services <span className="section-sub">{services.length}</span>
        </h2>
      </div>
      {children && <div className="services-facts">{children}</div>}
      <div className="table-scroll">
        <table className="table" data-testid="services">
          <thead>
            <tr>
              <th>Service</th>
              <th>Image</th>
              <th>State</th>
              <th>Networks</th>
              <th>Ports</th>
              <th className="actions-cell">
                <span className="sr-only">Access</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {services.map((s) => (
              <ServiceRow
                key={s.name}
                def={s}
                rt={isUp ? containers.get(s.name) : undefined}
                running={isUp}
                exposed={exposed}
                onTerminal={() => onTerminal(s.name)}
                onFiles={() => onFiles(s.name)}
                onScreen={() => onScreen(s.name)}
                labDir={labDir}
              />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
