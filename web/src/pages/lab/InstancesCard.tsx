// The lab's instances: a lab can run several times side by side, each
// instance with its own containers, networks and flag. The page works on one
// of them (its address names it; the default one needs no name): here the
// user opens another, stops one, or starts a new one by name.
import { useState, type FormEvent } from 'react';
import {
  api,
  DEFAULT_INSTANCE,
  errorMessage,
  instanceNameProblem,
  labHref,
  TEST_INSTANCE,
  type LabInstance,
  type LabState,
} from '../../api';
import { Icon } from '../../components/Icons';
import { StateBadge } from '../../components/StateBadge';
import { noteOperation } from '../../events';
import { navigate } from '../../router';
import './InstancesCard.css';

/** Why a new instance cannot have this name, or '' when it can. */
function newNameProblem(name: string, running: LabInstance[]): string {
  if (name === TEST_INSTANCE) return '“test” is the instance Test lab starts and removes: pick another name.';
  if (running.some((i) => i.instance === name)) return `An instance named “${name}” already runs: open it above.`;
  return instanceNameProblem(name);
}

function InstanceRow({
  item,
  href,
  current,
  stopping,
  onStop,
}: {
  item: LabInstance | { instance: string; state: LabState };
  href: string;
  current: boolean;
  stopping: boolean;
  onStop: () => void;
}) {
  const { instance, state } = item;
  const isTest = instance === TEST_INSTANCE;
  return (
    <tr data-instance={instance} data-state={state} data-testid="instance-row">
      <td>
        <a href={href} className="mono instance-name" aria-current={current ? 'page' : undefined}>
          {instance}
        </a>
        {current && <span className="tag">this page</span>}
        {isTest && <span className="tag">a Test lab run</span>}
      </td>
      <td>
        <StateBadge state={state} />
      </td>
      <td className="actions-cell">
        <span className="row-actions">
          {!current && (
            <a className="btn btn-sm" href={href} data-testid="instance-open">
              Open
            </a>
          )}
          {!isTest && state !== 'stopped' && (
            <button
              type="button"
              className="btn btn-sm btn-danger"
              disabled={stopping || state === 'stopping'}
              onClick={onStop}
              title={`Stop the instance ${instance} and remove its containers`}
              data-testid="instance-stop"
            >
              <Icon name="stop" size={14} /> {stopping || state === 'stopping' ? 'Stopping…' : 'Stop'}
            </button>
          )}
        </span>
      </td>
    </tr>
  );
}

export function InstancesCard({
  repo,
  name,
  current,
  currentState,
  instances,
  canStart,
  onStopCurrent,
}: {
  repo: string;
  name: string;
  /** the instance the page works on */
  current: string;
  currentState: LabState;
  /** the lab's instances that are not stopped */
  instances: LabInstance[];
  /** the lab may start (valid, trusted enough) */
  canStart: boolean;
  /** stop the page's own instance (the page follows that operation) */
  onStopCurrent: () => void;
}) {
  const id = `${repo}/${name}`;
  const [newName, setNewName] = useState('');
  const [tried, setTried] = useState(false);
  const [starting, setStarting] = useState(false);
  const [stopping, setStopping] = useState<string[]>([]);
  const [error, setError] = useState('');
  const rows: { instance: string; state: LabState }[] = [...instances];
  if (current !== DEFAULT_INSTANCE && !instances.some((i) => i.instance === current)) {
    rows.push({ instance: current, state: currentState });
    rows.sort((a, b) => a.instance.localeCompare(b.instance));
  }
  const wanted = newName.trim();
  const problem = newNameProblem(wanted, instances);
  const showProblem = (tried || wanted !== '') && problem !== '';

  const stop = async (instance: string) => {
    if (instance === current) return onStopCurrent();
    setError('');
    setStopping((s) => [...s, instance]);
    try {
      const r = await api.down(repo, name, instance);
      noteOperation(r.operation, r.kind || 'down', r.lab || id, instance);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setStopping((s) => s.filter((x) => x !== instance));
    }
  };

  const start = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (problem) return;
    setError('');
    setStarting(true);
    try {
      const r = await api.up(repo, name, wanted);
      noteOperation(r.operation, r.kind || 'up', r.lab || id, wanted);
      // follow the new instance on its own page: its start log, its terminals
      navigate(labHref(repo, name, wanted));
    } catch (err) {
      setError(errorMessage(err));
      setStarting(false);
    }
  };

  return (
    <section className="card section instances" data-testid="instances">
      <div className="section-head">
        <h2>
          Instances
          <span className="section-sub">{instances.length === 0 ? 'none running' : `${instances.length} running`}</span>
        </h2>
      </div>
      {rows.length === 0 ? (
        <p className="muted small">No instance of this lab runs.</p>
      ) : (
        <table className="table instance-list" data-testid="instance-list">
          <tbody>
            {rows.map((i) => (
              <InstanceRow
                key={i.instance}
                item={i}
                href={labHref(repo, name, i.instance)}
                current={i.instance === current}
                stopping={stopping.includes(i.instance)}
                onStop={() => stop(i.instance)}
              />
            ))}
          </tbody>
        </table>
      )}
      {error && (
        <div className="alert alert-error" role="alert" data-testid="instance-error">
          {error}
        </div>
      )}
      <form className="instance-form" onSubmit={start} noValidate>
        <label className="field" htmlFor="instance-name">
          Start another instance
        </label>
        <div className="instance-form-row">
          <input
            id="instance-name"
            type="text"
            className="mono"
            value={newName}
            onChange={(e) => setNewName(e.target.value)}
            placeholder="team-2"
            maxLength={40}
            autoComplete="off"
            spellCheck={false}
            aria-invalid={showProblem}
            aria-describedby="instance-hint"
            data-testid="instance-name"
          />
          <button type="submit" className="btn btn-primary" disabled={!canStart || starting} data-testid="instance-start">
            <Icon name="play" /> {starting ? 'Starting…' : 'Start'}
          </button>
        </div>
        <p id="instance-hint" className={`small hint ${showProblem ? 'text-bad' : 'muted'}`} aria-live="polite" data-testid="instance-hint">
          {showProblem
            ? problem
            : 'A separate run of this lab beside the others, with its own containers, networks and flag. Its name: 1–32 lower-case letters, digits and “-”.'}
        </p>
      </form>
    </section>
  );
}
