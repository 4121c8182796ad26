// One lab: its texts, topology, services (with live state, IPs and ports),
// Start / Stop, the live log of the current or last operation, terminals into
// its running services (shell: true) and file transfer, its images.
import { useCallback, useEffect, useRef, useState } from 'react';
import {
  api,
  DEFAULT_INSTANCE,
  errorMessage,
  type LabDetail,
  type LabImage,
  type LabState,
  type LabStatus,
  type PublishedPort,
  type ServiceDef,
  type ServicePort,
  type ServiceStatus,
} from '../api';
import { ChecksCard } from '../components/ChecksCard';
import { FilesCard } from '../components/FilesCard';
import { FlagCard } from '../components/FlagCard';
import { Icon } from '../components/Icons';
import { LabelChip } from '../components/LabelChip';
import { operationTitle, ProgressLog } from '../components/ProgressLog';
import { RichText } from '../components/RichText';
import { StateBadge } from '../components/StateBadge';
import { TerminalPanel, useTerminals } from '../components/Terminals';
import { Topology } from '../components/Topology';
import { humanBytes, portLink } from '../format';
import {
  isDefaultInstance,
  latestOperationOf,
  loadOperation,
  noteOperation,
  useEvent,
  useLatestOperation,
  useOperation,
  useReconnect,
} from '../events';

/** A lab text without its own leading heading naming the section ("# Goal"): the page writes one. */
function withoutOwnHeading(text: string, word: string): string {
  return text
    .replace(new RegExp(`^\\s*#{1,4}[ \\t]*${word}[ \\t]*:?[ \\t]*#*[ \\t]*(\\r?\\n|$)`, 'i'), '')
    .replace(new RegExp(`^\\s*<h[1-6][^>]*>\\s*${word}\\s*:?\\s*</h[1-6]>`, 'i'), '');
}

/** The id of the lab's latest operation in this server, if any. */
function serverOperationId(lab: LabDetail): string | undefined {
  return lab.operation || undefined;
}

function Ports({ ports }: { ports: (ServicePort | PublishedPort)[] }) {
  if (ports.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="plain-list">
      {ports.map((p, i) => {
        const proto = p.protocol || 'tcp';
        const host = String(p.host ?? '');
        const link = portLink(p);
        return (
          <li key={i}>
            {link ? (
              <a href={link} target="_blank" rel="noopener noreferrer" className="port-link" data-testid="port-link">
                {link.replace(/\/$/, '')}
                <Icon name="external" size={13} />
              </a>
            ) : host ? (
              <span className="mono">
                {p.hostIP && p.hostIP !== '0.0.0.0' ? `${p.hostIP}:` : ''}
                {host}
              </span>
            ) : null}
            <span className="muted mono port-inner">
              {host ? ' → ' : ''}
              {p.container}/{proto}
            </span>
          </li>
        );
      })}
    </ul>
  );
}

function ServiceRow({
  def,
  rt,
  running,
  onTerminal,
  onFiles,
}: {
  def: ServiceDef;
  rt?: ServiceStatus;
  running: boolean;
  onTerminal: () => void;
  onFiles: () => void;
}) {
  const up = rt?.state === 'running';
  const nets = rt?.networks?.length ? rt.networks : (def.networks ?? []);
  const ports = rt ? (rt.ports ?? []) : (def.ports ?? []);
  return (
    <tr data-service={def.name}>
      <td>
        <strong>{def.name}</strong>
        {def.privileged && <span className="tag tag-warn">privileged</span>}
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
        <Ports ports={ports} />
      </td>
      <td className="actions-cell">
        {def.shell && (
          <span className="row-actions">
            <button
              type="button"
              className="btn btn-sm"
              disabled={!up}
              onClick={onTerminal}
              title={up ? `Open a terminal in ${def.name}` : `${def.name} is not running`}
              data-testid="open-terminal"
            >
              <Icon name="terminal" size={14} /> Terminal
            </button>
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
          </span>
        )}
      </td>
    </tr>
  );
}

function ImagesCard({
  images,
  error,
  busy,
  onBuild,
}: {
  images: LabImage[] | null;
  error: string;
  busy: boolean;
  onBuild: () => void;
}) {
  const list = images ?? [];
  const buildable = list.some((i) => i.build);
  const missing = list.filter((i) => !i.present);
  const missingPulled = missing.filter((i) => !i.build);
  return (
    <section className="card section" data-testid="lab-images">
      <div className="section-head">
        <h2>
          Images
          {images && (
            <span className="section-sub">
              {missing.length === 0 ? 'all present' : `${missing.length} missing`}
            </span>
          )}
        </h2>
        {buildable && (
          <button type="button" className="btn" onClick={onBuild} disabled={busy} title="Build the images of the lab's build: sections">
            <Icon name="build" /> Build
          </button>
        )}
      </div>
      {error && <div className="alert alert-error">{error}</div>}
      {!images && !error && <div className="loading">Loading images…</div>}
      {images && list.length === 0 && <p className="muted">This lab needs no image.</p>}
      {list.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Image</th>
              <th>Services</th>
              <th>Status</th>
              <th className="num">Size</th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.name}>
                <td className="mono small wrap-anywhere">{i.name}</td>
                <td>{(i.services ?? []).join(', ')}</td>
                <td>
                  {i.present ? <span className="tag tag-ok">present</span> : <span className="tag tag-bad">missing</span>}
                  {i.build && <span className="tag">built locally</span>}
                </td>
                <td className="num">{i.present ? humanBytes(i.size) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {missingPulled.length > 0 && (
        <p className="muted small">
          Missing images are not pulled behind your back: pull them on the <a href="#/images">Images</a> page or load them
          with <code>docker load</code>.
        </p>
      )}
    </section>
  );
}

/** The wrapper actions run after start: they hold users, passwords and flags, so they are shown with the solution only. */
function SetupSteps({ actions }: { actions: LabDetail['actions'] }) {
  const list = [...(actions ?? [])].sort((a, b) => a.priority - b.priority);
  if (list.length === 0) return null;
  return (
    <>
      <h3>Setup steps</h3>
      <p className="muted small">What dsp runs inside the containers after they start, by priority.</p>
      <table className="table">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Service</th>
            <th>Action</th>
            <th>Arguments</th>
          </tr>
        </thead>
        <tbody>
          {list.map((a, i) => (
            <tr key={i}>
              <td className="num">{a.priority}</td>
              <td>{a.service}</td>
              <td className="mono">{a.name}</td>
              <td className="mono small wrap-anywhere">
                {(a.args ?? []).map((x) => `${x.name}=${typeof x.value === 'string' ? x.value : JSON.stringify(x.value)}`).join('  ')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function LabPage({ repo, name }: { repo: string; name: string }) {
  const id = `${repo}/${name}`;
  const [lab, setLab] = useState<LabDetail | null>(null);
  const [loadError, setLoadError] = useState('');
  const [state, setState] = useState<LabState>('unknown');
  const [status, setStatus] = useState<LabStatus | null>(null);
  const [images, setImages] = useState<LabImage[] | null>(null);
  const [imagesError, setImagesError] = useState('');
  const [requestError, setRequestError] = useState('');
  const [requesting, setRequesting] = useState(false);
  const [showSolution, setShowSolution] = useState(false);
  const [pickedOp, setPickedOp] = useState<string | undefined>(() => latestOperationOf(id));
  const liveOp = useLatestOperation(id);
  const opId = liveOp ?? pickedOp;
  const anyOp = useOperation(opId);
  // an id remembered from before a restart of dsp may name another lab's operation
  const op = anyOp && anyOp.lab === id ? anyOp : undefined;
  const terms = useTerminals(repo, name, DEFAULT_INSTANCE);
  const [filesService, setFilesService] = useState('');
  const filesRef = useRef<HTMLElement>(null);

  const loadLab = useCallback(async () => {
    try {
      const l = await api.lab(repo, name);
      setLab(l);
      setState(l.status?.state ?? l.state);
      setStatus(l.status ?? null);
      setLoadError('');
      const known = latestOperationOf(id) ?? serverOperationId(l);
      if (known) {
        setPickedOp(known);
        loadOperation(known);
      }
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, [repo, name, id]);

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
    setLab(null);
    setImages(null);
    setShowSolution(false);
    setRequestError('');
    setPickedOp(latestOperationOf(id));
    loadLab();
    loadImages();
  }, [id, loadLab, loadImages]);

  useReconnect(() => {
    loadLab();
    loadImages();
  });

  useEvent('state', (ev) => {
    // a test run's own instance ("test") is not the lab the page shows
    if (ev.lab !== id || !isDefaultInstance(ev)) return;
    setState(ev.state);
    if (ev.status) setStatus(ev.status);
  });

  useEvent('operation', (ev) => {
    if (ev.lab !== id || ev.state === 'running') return;
    // an operation ended: take the final state, IPs and images
    loadLab();
    loadImages();
  });

  // Terminals end when the lab stops or their service is no longer running.
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

  const run = async (kind: 'up' | 'down' | 'build' | 'test' | 'checks') => {
    setRequestError('');
    setRequesting(true);
    try {
      const r = await api[kind](repo, name);
      noteOperation(r.operation, r.kind || kind, r.lab || id);
      setPickedOp(r.operation);
    } catch (e) {
      setRequestError(errorMessage(e));
    } finally {
      setRequesting(false);
    }
  };

  if (loadError && !lab) {
    return (
      <div className="page">
        <a className="back" href="#/">
          <Icon name="back" /> Labs
        </a>
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
  const canStart = !busy && lab.valid !== false && !blocked && state !== 'running';
  const canStop = !busy && state !== 'stopped';
  const rtByName = new Map((status?.services ?? []).map((s) => [s.name, s]));
  const isUp = state !== 'stopped' && state !== 'unknown';
  const risks = lab.risks ?? [];
  const errors = lab.errors ?? [];
  const fmt = lab.textFormat || 'markdown';
  const labRuns = state === 'running' || state === 'degraded';
  const hasFlag = !!lab.flag || (lab.actions ?? []).some((a) => a.name === 'ctf');
  const serviceRuns = (service: string) => isUp && rtByName.get(service)?.state === 'running';
  const shellServices = (lab.services ?? []).filter((s) => s.shell).map((s) => s.name);
  const fileServices = (lab.services ?? []).map((s) => ({ name: s.name, shell: !!s.shell, running: serviceRuns(s.name) }));
  const filesSelected = fileServices.some((s) => s.name === filesService && s.shell)
    ? filesService
    : (fileServices.find((s) => s.shell && s.running) ?? fileServices.find((s) => s.shell))?.name ?? '';

  return (
    <div className="page lab-page" data-testid="lab-page">
      <a className="back" href="#/">
        <Icon name="back" /> Labs
      </a>
      <header className="lab-head">
        <div className="lab-head-main">
          <div className="lab-title-row">
            <h1 className="page-title">{lab.title || lab.name}</h1>
            <StateBadge state={state} />
          </div>
          <div className="lab-meta muted">
            <span className="mono">{lab.id || id}</span>
            {lab.author && <span>by {lab.author}</span>}
            {lab.format && <span>{lab.format === 'upstream' ? 'DSP lab' : 'native lab'}</span>}
          </div>
          {(lab.labels ?? []).length > 0 && (
            <div className="chips">
              {(lab.labels ?? []).map((l) => (
                <LabelChip key={l.name} label={l} />
              ))}
            </div>
          )}
        </div>
        <div className="lab-actions">
          <button type="button" className="btn btn-primary" disabled={!canStart}
            onClick={() => run('up')}
            data-testid="start"
            title={blocked ? `The repository is not trusted: dsp repo trust ${lab.repo}` : undefined}
          >
            <Icon name="play" /> {state === 'starting' || (opRunning && op?.kind === 'up') ? 'Starting…' : 'Start'}
          </button>
          <button type="button" className="btn btn-danger" disabled={!canStop} onClick={() => run('down')} data-testid="stop">
            <Icon name="stop" /> {state === 'stopping' || (opRunning && op?.kind === 'down') ? 'Stopping…' : 'Stop'}
          </button>
        </div>
      </header>

      {requestError && (
        <div className="alert alert-error" role="alert">
          {requestError}
        </div>
      )}
      {op?.state === 'failed' && (
        <div className="alert alert-error alert-big" role="alert" data-testid="operation-error">
          <strong>{operationTitle(op.kind)} failed.</strong> {op.error || 'See the log below.'}
        </div>
      )}
      {errors.length > 0 && (
        <div className="alert alert-error">
          <strong>This lab has errors and cannot start:</strong>
          <ul>
            {errors.map((e, i) => (
              <li key={i} className="mono small">
                {e}
              </li>
            ))}
          </ul>
        </div>
      )}
      {risks.length > 0 && (
        <div className={`alert ${lab.trusted ? 'alert-warn' : 'alert-error'}`}>
          <strong>
            {lab.trusted
              ? 'This lab asks for powers beyond a plain container:'
              : 'This lab asks for powers beyond a plain container, and its repository is not trusted, so it will not start:'}
          </strong>
          <ul>
            {risks.map((r, i) => (
              <li key={i}>
                <strong>{r.service}</strong>: {r.what}
              </li>
            ))}
          </ul>
        </div>
      )}

      <div className="lab-grid">
        <section className="card section about">
          {lab.description ? (
            <RichText text={lab.description} format={fmt} className="lead" />
          ) : (
            <p className="muted">No description.</p>
          )}
          {lab.goal && (
            <div className="goal">
              <h2>Goal</h2>
              <RichText text={withoutOwnHeading(lab.goal, 'goal')} format={fmt} />
            </div>
          )}
          {lab.readme && lab.readme.trim() !== lab.description.trim() && (
            <details className="readme">
              <summary>README</summary>
              <RichText text={lab.readme} format="markdown" />
            </details>
          )}
        </section>

        <section className="card section activity">
          <div className="section-head">
            <h2>
              Activity
              {op && (
                <span className="section-sub">
                  {operationTitle(op.kind)} · {op.state === 'running' ? 'in progress' : op.state}
                </span>
              )}
            </h2>
          </div>
          <ProgressLog
            op={op}
            empty={
              isUp
                ? 'This lab was started before this page was opened (or from the command line): its start log is not here. Stop or restart it to follow each step.'
                : 'Start the lab to follow each step here: images, networks, containers, files and actions.'
            }
          />
        </section>
      </div>

      <section className="card section">
        <div className="section-head">
          <h2>Topology</h2>
        </div>
        <Topology networks={lab.networks} services={lab.services} status={isUp ? status : null} />
      </section>

      <section className="card section">
        <div className="section-head">
          <h2>
            Services <span className="section-sub">{(lab.services ?? []).length}</span>
          </h2>
        </div>
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
              {(lab.services ?? []).map((s) => (
                <ServiceRow
                  key={s.name}
                  def={s}
                  rt={isUp ? rtByName.get(s.name) : undefined}
                  running={isUp}
                  onTerminal={() => terms.open(s.name)}
                  onFiles={() => {
                    setFilesService(s.name);
                    filesRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
                  }}
                />
              ))}
            </tbody>
          </table>
        </div>
      </section>

      {hasFlag && <FlagCard repo={repo} lab={name} running={labRuns} perInstance={!!lab.flag} />}

      <TerminalPanel terms={terms} shellServices={shellServices} canOpen={serviceRuns} />

      {isUp && shellServices.length > 0 && (
        <FilesCard
          repo={repo}
          lab={name}
          instance={DEFAULT_INSTANCE}
          services={fileServices}
          selected={filesSelected}
          onSelect={setFilesService}
          cardRef={filesRef}
        />
      )}

      <ChecksCard lab={lab} running={labRuns} busy={busy} op={op} onRun={run} />

      <ImagesCard images={images} error={imagesError} busy={busy} onBuild={() => run('build')} />

      {lab.solution && (
        <section className="card section solution" data-testid="solution">
          <div className="section-head">
            <h2>Solution</h2>
            {showSolution ? (
              <button type="button" className="btn btn-ghost btn-sm" onClick={() => setShowSolution(false)}>
                Hide
              </button>
            ) : (
              <button type="button" className="btn" onClick={() => setShowSolution(true)} data-testid="show-solution">
                <Icon name="eye" /> Show solution
              </button>
            )}
          </div>
          {showSolution ? (
            <>
              <RichText text={withoutOwnHeading(lab.solution, 'solution')} format={fmt} />
              <SetupSteps actions={lab.actions} />
            </>
          ) : (
            <p className="muted small">Hidden until you ask for it: try the lab first.</p>
          )}
        </section>
      )}

    </div>
  );
}
