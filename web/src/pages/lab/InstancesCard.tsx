// The lab's instances: a lab can run several times side by side, each
// instance with its own containers, networks and flag. The page works on one
// of them (its address names it; the default one needs no name): here the
// user opens another, stops one, or starts a new one by name.
import { useEffect, useState, type FormEvent } from 'react';
import {
  api,
  DEFAULT_INSTANCE,
  instanceNameProblem,
  labHref,
  TEST_INSTANCE,
  type LabInstance,
  type LabState,
} from '../../api';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Icon } from '../../components/Icons';
import { noteOperation } from '../../events';
import { navigate } from '../../router';
import { InstanceRow } from './InstanceRow';
import './InstancesCard.css';

/** Why a new instance cannot have this name, or '' when it can. */
function newNameProblem(name: string, running: LabInstance[]): string {
  if (name === TEST_INSTANCE) return '“test” is the instance Test lab starts and removes: pick another name.';
  if (running.some((i) => i.instance === name)) return `An instance named “${name}” already runs: open it above.`;
  return instanceNameProblem(name);
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
  const [error, setError] = useState<unknown>(null);
  // the simple case (only the default instance, on its page) stays one line until asked for
  const others =
    current !== DEFAULT_INSTANCE || instances.some((i) => i.instance !== DEFAULT_INSTANCE && i.instance !== TEST_INSTANCE);
  const [asked, setAsked] = useState(others);
  // once open, it stays open on this page (when another instance stops, say)
  useEffect(() => {
    if (others) setAsked(true);
  }, [others]);
  const expanded = others || asked;
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
    setError(null);
    setStopping((s) => [...s, instance]);
    try {
      const r = await api.down(repo, name, instance);
      noteOperation(r.operation, r.kind || 'down', r.lab || id, instance);
    } catch (e) {
      setError(e);
    } finally {
      setStopping((s) => s.filter((x) => x !== instance));
    }
  };

  const start = async (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (problem) return;
    setError(null);
    setStarting(true);
    try {
      const r = await api.up(repo, name, wanted);
      noteOperation(r.operation, r.kind || 'up', r.lab || id, wanted);
      // follow the new instance on its own page: its start log, its terminals
      navigate(labHref(repo, name, wanted));
    } catch (err) {
      setError(err);
      setStarting(false);
    }
  };

  const head = (
    <div className="section-head">
      <h2>
        Instances
        <span className="section-sub">{instances.length === 0 ? 'none running' : `${instances.length} running`}</span>
      </h2>
      {!others && (
        <button
          type="button"
          className={`btn btn-sm${asked ? ' btn-ghost' : ''}`}
          aria-expanded={asked}
          onClick={() => setAsked(!asked)}
          data-testid="instances-expand"
        >
          {asked ? 'Hide' : 'Run another instance…'}
        </button>
      )}
    </div>
  );
  if (!expanded) {
    return (
      <section className="card section instances instances-collapsed" data-testid="instances" data-expanded="false">
        {head}
      </section>
    );
  }

  return (
    <section className="card section instances" data-testid="instances" data-expanded="true">
      {head}
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
      <ErrorAlert error={error} testId="instance-error" />
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
