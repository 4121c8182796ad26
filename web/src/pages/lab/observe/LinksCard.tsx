// The links of the running instance: every lab interface of its containers
// (services and toolboxes) and its impairment, set from the host on what the
// interface sends: a rate (a token bucket), a delay, jitter and loss (the
// kernel's network emulator, sch_netem). A refusal is shown under the field it
// names, as the server words it: a kernel without sch_netem answers 503 and
// names the value that needs it and the missing kernel feature.
import { Fragment, useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { observeApi, type Link, type LinkRequest, type LinkShape } from '../../../api';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Icon } from '../../../components/Icons';
import { FieldError, fieldMessage, FormError } from './common';

const FIELDS = ['rate', 'delay', 'jitter', 'loss', 'network', 'service'] as const;
const keyOf = (l: Pick<Link, 'service' | 'network'>) => `${l.service}/${l.network}`;

/** A rate in bits per second as tc words it: 1000000 → "1mbit". */
export function rateText(bits: number): string {
  if (!bits) return '';
  for (const [n, unit] of [
    [1e9, 'gbit'],
    [1e6, 'mbit'],
    [1e3, 'kbit'],
  ] as const) {
    if (bits % n === 0) return `${bits / n}${unit}`;
  }
  return `${bits}bit`;
}

const msText = (ms: number) => (ms ? `${ms}ms` : '');

function LinkEditor({
  link,
  onSave,
  onCancel,
}: {
  link: Link;
  onSave: (req: LinkRequest) => Promise<unknown>;
  onCancel: () => void;
}) {
  const ids = useId();
  const shape: LinkShape = link.shape;
  const [rate, setRate] = useState(rateText(shape.rate));
  const [delay, setDelay] = useState(msText(shape.delayMs));
  const [jitter, setJitter] = useState(msText(shape.jitterMs));
  const [loss, setLoss] = useState(shape.loss ? String(shape.loss) : '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (busy) return;
    const req: LinkRequest = { network: link.network };
    if (rate.trim()) req.rate = rate.trim();
    if (delay.trim()) req.delay = delay.trim();
    if (jitter.trim()) req.jitter = jitter.trim();
    if (loss.trim()) req.loss = loss.trim();
    setBusy(true);
    setError(null);
    const err = await onSave(req);
    setBusy(false);
    if (err) setError(err);
  };

  const input = (
    name: 'rate' | 'delay' | 'jitter' | 'loss',
    label: string,
    value: string,
    set: (v: string) => void,
    placeholder: string,
    note: string,
  ) => {
    const message = fieldMessage(error, name);
    return (
      <div className="field">
        <label htmlFor={`${ids}-${name}`}>
          {label} <span className="muted optional">{note}</span>
        </label>
        <input
          id={`${ids}-${name}`}
          type="text"
          className="mono"
          value={value}
          onChange={(e) => set(e.target.value)}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          data-testid={`link-${name}`}
          aria-invalid={!!message}
          aria-describedby={message ? `${ids}-${name}-error` : undefined}
        />
      </div>
    );
  };
  // the server's words for the field it names, under the fields (a missing kernel feature takes a few lines)
  const LABEL: Record<string, string> = { rate: 'Rate', delay: 'Delay', jitter: 'Jitter', loss: 'Loss' };
  const named = (['rate', 'delay', 'jitter', 'loss'] as const).find((f) => fieldMessage(error, f));

  return (
    <form className="link-form" onSubmit={submit} data-testid="link-form" aria-label={`Shape ${link.service} on ${link.network}`}>
      <div className="observe-fields link-fields">
        {input('rate', 'Rate', rate, setRate, '1mbit', '500kbit, 2mbit…')}
        {input('delay', 'Delay', delay, setDelay, '50ms', 'needs sch_netem')}
        {input('jitter', 'Jitter', jitter, setJitter, '10ms', 'with a delay')}
        {input('loss', 'Loss %', loss, setLoss, '1', 'needs sch_netem')}
      </div>
      {named && (
        <FieldError
          id={`${ids}-${named}-error`}
          error={`${LABEL[named]}: ${fieldMessage(error, named)}`}
          testId={`link-error-${named}`}
        />
      )}
      <div className="observe-actions">
        <button type="submit" className="btn btn-primary btn-sm" disabled={busy} data-testid="link-apply">
          {busy ? 'Applying…' : 'Apply'}
        </button>
        <button type="button" className="btn btn-sm" onClick={onCancel}>
          Close
        </button>
        <span className="muted small">All empty: no impairment. Shaping applies to what {link.service} sends on {link.network}.</span>
      </div>
      <FormError error={error} fields={FIELDS} lead="Not applied:" testId="link-error" />
    </form>
  );
}

export function LinksCard({
  repo,
  lab,
  instance,
  running,
  refreshKey,
}: {
  repo: string;
  lab: string;
  instance: string;
  running: boolean;
  /** changes when the containers change (a toolbox attached or detached): the links are read again */
  refreshKey: string;
}) {
  const [links, setLinks] = useState<Link[] | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [clearing, setClearing] = useState<string | null>(null);
  const [clearError, setClearError] = useState<unknown>(null);

  const load = useCallback(async () => {
    if (!running) return;
    try {
      const r = await observeApi.links(repo, lab, instance);
      setLinks(r.links ?? []);
      setLoadError(null);
    } catch (e) {
      setLoadError(e);
    }
  }, [repo, lab, instance, running]);

  useEffect(() => {
    load();
  }, [load, refreshKey]);

  /** the links the server answered with, in place of those of that service (and network) */
  const merge = (service: string, network: string, fresh: Link[]) =>
    setLinks((list) => {
      const answered = new Set(fresh.map(keyOf));
      const kept = (list ?? []).filter((l) => !answered.has(keyOf(l)) && !(l.service === service && l.network === network));
      return [...kept, ...fresh].sort((a, b) => a.service.localeCompare(b.service) || a.network.localeCompare(b.network));
    });

  const save = (link: Link) => async (req: LinkRequest) => {
    try {
      const r = await observeApi.setLink(repo, lab, instance, link.service, req);
      merge(link.service, link.network, r.links ?? []);
      return null;
    } catch (e) {
      // what holds now, whatever the refusal left
      load();
      return e;
    }
  };

  const clear = async (link: Link) => {
    const k = keyOf(link);
    setClearing(k);
    setClearError(null);
    try {
      const r = await observeApi.clearLink(repo, lab, instance, link.service, link.network);
      merge(link.service, link.network, r.links ?? []);
    } catch (e) {
      setClearError(e);
    } finally {
      setClearing(null);
    }
  };

  const list = links ?? [];
  return (
    <section className="card section observe-card" data-testid="links-card">
      <div className="section-head">
        <h2>
          Links <span className="section-sub">slow a link down: rate, delay, jitter, loss on what an interface sends</span>
        </h2>
        <button type="button" className="btn btn-sm btn-ghost" onClick={load} data-testid="links-refresh" title="Read the links again">
          <Icon name="refresh" size={14} /> Refresh
        </button>
      </div>
      <ErrorAlert error={loadError} lead="The links could not be read:" testId="links-load-error" />
      <ErrorAlert error={clearError} lead="Not cleared:" testId="link-clear-error" />
      {links === null && loadError == null && <p className="muted small">Reading the links…</p>}
      {links !== null && list.length === 0 && <p className="muted small">No container of the lab is on a lab network.</p>}
      {list.length > 0 && (
        <div className="table-scroll">
          <table className="table links-table" data-testid="links">
            <thead>
              <tr>
                <th>Container</th>
                <th>Network</th>
                <th>Interface</th>
                <th>Address</th>
                <th>Impairment</th>
                <th className="actions-cell">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((l) => {
                const k = keyOf(l);
                const open = editing === k;
                const shaped = l.shape.text !== 'none' && l.shape.text !== '';
                return (
                  <Fragment key={k}>
                    <tr data-testid="link-row" data-link={k} data-service={l.service} data-network={l.network} className={open ? 'has-editor' : undefined}>
                      <td>
                        <strong>{l.service}</strong>
                      </td>
                      <td>{l.network}</td>
                      <td className="mono small">{l.interface}</td>
                      <td className="mono small">{l.ip || '—'}</td>
                      <td>
                        <span className={shaped ? 'tag tag-warn link-shape' : 'muted link-shape'} data-testid="link-shape" data-shaped={shaped}>
                          {l.shape.text || 'none'}
                        </span>
                      </td>
                      <td className="actions-cell">
                        <span className="row-actions">
                          <button
                            type="button"
                            className={`btn btn-sm${open ? ' btn-on' : ''}`}
                            aria-expanded={open}
                            onClick={() => setEditing(open ? null : k)}
                            data-testid="link-edit"
                          >
                            Shape…
                          </button>
                          <button
                            type="button"
                            className="btn btn-sm btn-ghost"
                            disabled={!shaped || clearing === k}
                            onClick={() => clear(l)}
                            title={shaped ? `Remove the impairment of ${l.service} on ${l.network}` : 'Nothing to clear'}
                            data-testid="link-clear"
                          >
                            {clearing === k ? 'Clearing…' : 'Clear'}
                          </button>
                        </span>
                      </td>
                    </tr>
                    {open && (
                      <tr className="link-editor-row">
                        <td colSpan={6}>
                          <LinkEditor link={l} onSave={save(l)} onCancel={() => setEditing(null)} />
                        </td>
                      </tr>
                    )}
                  </Fragment>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
