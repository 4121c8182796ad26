// Packet captures of the instance: start one on a lab network (its bridge,
// everything on it) or on a service's or toolbox's interfaces, with an
// optional tcpdump-like filter, a packet count and a duration; the list of
// its captures, running and ended (their files stay until deleted), kept
// current by the `capture` events; a live view of a running one.
import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import {
  ApiError,
  captureFileUrl,
  instanceOf,
  observeApi,
  type Capture,
  type CaptureRequest,
  type CaptureStats,
  type NetworkDef,
} from '../../../api';
import { Dialog } from '../../../components/Dialog';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Icon } from '../../../components/Icons';
import { StateBadge } from '../../../components/StateBadge';
import { humanBytes } from '../../../format';
import { useEvent, useReconnect } from '../../../events';
import { FieldError, fieldMessage, FormError, when } from './common';
import { captureTargetText, LiveCapture } from './LiveCapture';

const FIELDS = ['network', 'service', 'filter', 'count', 'duration'] as const;

/** The list with one capture new or changed, newest first. */
function upsert(list: Capture[] | null, c: Capture): Capture[] {
  const rest = (list ?? []).filter((x) => x.id !== c.id);
  return [c, ...rest].sort((a, b) => b.started.localeCompare(a.started));
}

function StartForm({
  repo,
  lab,
  instance,
  networks,
  services,
  toolboxes,
  onStarted,
}: {
  repo: string;
  lab: string;
  instance: string;
  networks: NetworkDef[];
  services: string[];
  toolboxes: string[];
  onStarted: (c: Capture) => void;
}) {
  const ids = useId();
  const [what, setWhat] = useState(networks[0] ? `network:${networks[0].name}` : services[0] ? `service:${services[0]}` : '');
  const [filter, setFilter] = useState('');
  const [count, setCount] = useState('');
  const [duration, setDuration] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    if (!what && networks[0]) setWhat(`network:${networks[0].name}`);
  }, [what, networks]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy || !what) return;
    const [kind, ...rest] = what.split(':');
    const name = rest.join(':');
    const req: CaptureRequest = kind === 'network' ? { network: name } : { service: name };
    if (filter.trim()) req.filter = filter.trim();
    if (count.trim()) {
      const n = Number(count.trim());
      if (!Number.isInteger(n) || n < 0) {
        setError(new ApiError(400, 'give a whole number of packets (0: no limit)', 'count'));
        return;
      }
      if (n > 0) req.count = n;
    }
    if (duration.trim()) req.duration = duration.trim();
    setBusy(true);
    setError(null);
    try {
      onStarted(await observeApi.startCapture(repo, lab, instance, req));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const targetError = fieldMessage(error, 'network', 'service');
  const filterError = fieldMessage(error, 'filter');
  const countError = fieldMessage(error, 'count');
  const durationError = fieldMessage(error, 'duration');

  return (
    <form className="observe-form" onSubmit={submit} data-testid="capture-form" aria-label="Start a capture">
      <h3>
        <Icon name="play" size={15} /> Start a capture
      </h3>
      <div className="observe-fields capture-fields">
        <div className="field">
          <label htmlFor={`${ids}-what`}>What</label>
          <select
            id={`${ids}-what`}
            className="select-field"
            value={what}
            onChange={(e) => setWhat(e.target.value)}
            data-testid="capture-target"
            aria-describedby={targetError ? `${ids}-what-error` : undefined}
          >
            {networks.length > 0 && (
              <optgroup label="A lab network (everything on it)">
                {networks.map((n) => (
                  <option key={n.name} value={`network:${n.name}`}>
                    network {n.name}
                    {n.subnet ? ` (${n.subnet})` : ''}
                  </option>
                ))}
              </optgroup>
            )}
            {services.length > 0 && (
              <optgroup label="A service (its interfaces)">
                {services.map((s) => (
                  <option key={s} value={`service:${s}`}>
                    service {s}
                  </option>
                ))}
              </optgroup>
            )}
            {toolboxes.length > 0 && (
              <optgroup label="A toolbox (its interfaces)">
                {toolboxes.map((s) => (
                  <option key={s} value={`service:${s}`}>
                    toolbox {s}
                  </option>
                ))}
              </optgroup>
            )}
          </select>
          <FieldError id={`${ids}-what-error`} error={targetError} testId="capture-error-target" />
        </div>
        <div className="field capture-filter-field">
          <label htmlFor={`${ids}-filter`}>
            Filter <span className="muted optional">optional, as tcpdump writes it</span>
          </label>
          <input
            id={`${ids}-filter`}
            type="text"
            className="mono"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="tcp port 80 and host 10.0.0.5"
            spellCheck={false}
            autoComplete="off"
            data-testid="capture-filter"
            aria-invalid={!!filterError}
            aria-describedby={filterError ? `${ids}-filter-error` : undefined}
          />
          <FieldError id={`${ids}-filter-error`} error={filterError} testId="capture-error-filter" />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-count`}>
            Packets <span className="muted optional">optional</span>
          </label>
          <input
            id={`${ids}-count`}
            type="text"
            inputMode="numeric"
            className="mono"
            value={count}
            onChange={(e) => setCount(e.target.value)}
            placeholder="no limit"
            autoComplete="off"
            data-testid="capture-count"
            aria-invalid={!!countError}
            aria-describedby={countError ? `${ids}-count-error` : undefined}
          />
          <FieldError id={`${ids}-count-error`} error={countError} testId="capture-error-count" />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-duration`}>
            Duration <span className="muted optional">optional</span>
          </label>
          <input
            id={`${ids}-duration`}
            type="text"
            className="mono"
            value={duration}
            onChange={(e) => setDuration(e.target.value)}
            placeholder="30s, 5m"
            spellCheck={false}
            autoComplete="off"
            data-testid="capture-duration"
            aria-invalid={!!durationError}
            aria-describedby={durationError ? `${ids}-duration-error` : undefined}
          />
          <FieldError id={`${ids}-duration-error`} error={durationError} testId="capture-error-duration" />
        </div>
      </div>
      <div className="observe-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !what} data-testid="capture-start">
          <Icon name="play" size={15} /> {busy ? 'Starting…' : 'Start capture'}
        </button>
        <span className="muted small">It stops when you stop it, at its count or duration, or when the lab stops.</span>
      </div>
      <FormError error={error} fields={FIELDS} lead="Not started:" testId="capture-error" />
    </form>
  );
}

export function CapturesCard({
  repo,
  lab,
  instance,
  running,
  why,
  networks,
  services,
  toolboxes,
}: {
  repo: string;
  lab: string;
  instance: string;
  /** the instance runs: captures may start */
  running: boolean;
  /** why they cannot, when they cannot */
  why: string;
  networks: NetworkDef[];
  services: string[];
  toolboxes: string[];
}) {
  const labelId = useId();
  const labId = `${repo}/${lab}`;
  const [captures, setCaptures] = useState<Capture[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [watching, setWatching] = useState<string | null>(null);
  const [stopping, setStopping] = useState<Set<string>>(new Set());
  const [actionError, setActionError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState<Capture | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      const r = await observeApi.captures(repo, lab, instance);
      setCaptures(r.captures ?? []);
      setLoadError(null);
    } catch (e) {
      setLoadError(e);
    }
  }, [repo, lab, instance]);

  useEffect(() => {
    load();
  }, [load]);
  useReconnect(() => {
    load();
  });
  useEvent('capture', (c) => {
    if (c.lab !== labId || instanceOf(c) !== instance) return;
    setCaptures((list) => upsert(list, c));
  });

  const onStats = useCallback((id: string, s: CaptureStats) => {
    setCaptures((list) =>
      list ? list.map((c) => (c.id === id && c.state === 'running' ? { ...c, packets: s.packets, bytes: s.bytes, dropped: s.dropped } : c)) : list,
    );
  }, []);
  const onEnd = useCallback((c: Capture) => setCaptures((list) => upsert(list, c)), []);

  const stop = async (id: string) => {
    setStopping((s) => new Set(s).add(id));
    setActionError(null);
    try {
      const c = await observeApi.stopCapture(id);
      setCaptures((list) => upsert(list, c));
    } catch (e) {
      setActionError(e);
    } finally {
      setStopping((s) => {
        const next = new Set(s);
        next.delete(id);
        return next;
      });
    }
  };

  const remove = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    try {
      await observeApi.deleteCapture(deleting.id);
      const id = deleting.id;
      setCaptures((list) => (list ?? []).filter((c) => c.id !== id));
      if (watching === id) setWatching(null);
      setDeleting(null);
    } catch (e) {
      setDeleteError(e);
    } finally {
      setDeleteBusy(false);
    }
  };

  const list = captures ?? [];
  if (!running && list.length === 0 && loadError == null) return null;
  const watched = list.find((c) => c.id === watching);
  const runningCount = list.filter((c) => c.state === 'running').length;

  return (
    <section className="card section observe-card" data-testid="captures-card">
      <div className="section-head">
        <h2>
          Packet captures
          <span className="section-sub">
            {list.length === 0 ? 'none yet' : `${list.length} kept${runningCount ? ` · ${runningCount} running` : ''}`} · pcapng files
            Wireshark opens
          </span>
        </h2>
      </div>
      <ErrorAlert error={loadError} lead="The captures could not be read:" testId="captures-load-error" />
      {running ? (
        <StartForm
          repo={repo}
          lab={lab}
          instance={instance}
          networks={networks}
          services={services}
          toolboxes={toolboxes}
          onStarted={(c) => {
            setCaptures((l) => upsert(l, c));
            setWatching(c.id);
          }}
        />
      ) : (
        <p className="muted small observe-why" data-testid="captures-why">
          {why} The captures below stay, their files downloadable, until you delete them.
        </p>
      )}
      <ErrorAlert error={actionError} lead="Not stopped:" testId="capture-action-error" />
      {list.length > 0 && (
        <div className="table-scroll">
          <table className="table captures-table" data-testid="captures">
            <thead>
              <tr>
                <th>State</th>
                <th>Target</th>
                <th>Filter</th>
                <th className="num">Packets</th>
                <th className="num">Dropped</th>
                <th className="num">Size</th>
                <th>Started</th>
                <th className="actions-cell">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((c) => (
                <tr key={c.id} data-capture={c.id} data-state={c.state} data-testid="capture-row" className={c.id === watching ? 'row-on' : undefined}>
                  <td>
                    <StateBadge state={c.state} title={c.error || c.state} />
                    {c.error && <div className="small text-bad wrap-anywhere">{c.error}</div>}
                  </td>
                  <td>{captureTargetText(c)}</td>
                  <td className="mono small wrap-anywhere">{c.filter || <span className="muted">—</span>}</td>
                  <td className="num" data-testid="capture-packets">
                    {c.packets}
                  </td>
                  <td className={`num${c.dropped > 0 ? ' text-bad' : ''}`}>{c.dropped}</td>
                  <td className="num">{c.state === 'running' && !c.size ? '—' : humanBytes(c.size)}</td>
                  <td className="nowrap" title={c.started}>
                    {when(c.started)}
                    {(c.count ?? 0) > 0 && <div className="muted small">up to {c.count} packets</div>}
                    {c.duration && <div className="muted small">for {c.duration}</div>}
                  </td>
                  <td className="actions-cell">
                    <span className="row-actions">
                      {c.state === 'running' && (
                        <>
                          <button
                            type="button"
                            className={`btn btn-sm${c.id === watching ? ' btn-on' : ''}`}
                            onClick={() => setWatching(c.id)}
                            aria-pressed={c.id === watching}
                            data-testid="capture-watch"
                          >
                            <Icon name="eye" size={14} /> Watch
                          </button>
                          <button
                            type="button"
                            className="btn btn-sm btn-danger"
                            onClick={() => stop(c.id)}
                            disabled={stopping.has(c.id)}
                            data-testid="capture-stop"
                          >
                            <Icon name="stop" size={14} /> {stopping.has(c.id) ? 'Stopping…' : 'Stop'}
                          </button>
                        </>
                      )}
                      <a
                        className="btn btn-sm"
                        href={captureFileUrl(c.id)}
                        download=""
                        data-testid="capture-download"
                        title={`Download ${c.file}${c.state === 'running' ? ' as it is now' : ''}`}
                      >
                        <Icon name="download" size={14} /> Download
                      </a>
                      {c.state !== 'running' && (
                        <button
                          type="button"
                          className="btn btn-sm btn-ghost"
                          onClick={() => {
                            setDeleteError(null);
                            setDeleting(c);
                          }}
                          aria-label={`Delete the capture of ${captureTargetText(c)} started ${when(c.started)}`}
                          data-testid="capture-delete"
                        >
                          <Icon name="trash" size={14} />
                        </button>
                      )}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {watched && (
        <LiveCapture
          key={watched.id}
          capture={watched}
          onEnd={onEnd}
          onStats={onStats}
          onStop={() => stop(watched.id)}
          stopping={stopping.has(watched.id)}
          onClose={() => setWatching(null)}
        />
      )}
      <Dialog open={deleting !== null} onClose={() => setDeleting(null)} labelId={labelId} testId="delete-capture-dialog">
        <h2 id={labelId}>Delete this capture?</h2>
        <p>
          The capture of {deleting ? captureTargetText(deleting) : ''} and its file <code>{deleting?.file}</code> are removed.
        </p>
        <ErrorAlert error={deleteError} lead="Not deleted:" />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setDeleting(null)} autoFocus>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={remove} disabled={deleteBusy} data-testid="confirm-delete-capture">
            {deleteBusy ? 'Deleting…' : 'Delete'}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
