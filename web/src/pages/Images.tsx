// Local images: size, age, which labs use or need them; remove; pull with
// per-layer progress; and for each lab, the images it needs and which are missing.
import { Fragment, useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, errorMessage, labHrefFromId, type LabImage, type LocalImage } from '../api';
import { ErrorAlert } from '../components/ErrorAlert';
import { Icon } from '../components/Icons';
import { StateBadge } from '../components/StateBadge';
import {
  latestPullOperation,
  loadOperation,
  noteOperation,
  useEvent,
  useOperation,
  useReconnect,
  type OpLog,
} from '../events';
import { clock, humanBytes, timeAgo } from '../format';
import './Images.css';

function shortId(id: string): string {
  return id.replace(/^sha256:/, '').slice(0, 12);
}

function LabLinks({ ids }: { ids: string[] | null }) {
  if (!ids || ids.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="plain-list">
      {[...new Set(ids)].map((id) => (
        <li key={id}>
          <a href={labHrefFromId(id)}>{id}</a>
        </li>
      ))}
    </ul>
  );
}

function RemoveButton({
  image,
  onRemoved,
  onError,
}: {
  image: LocalImage;
  onRemoved: () => void;
  onError: (message: string) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const ref = image.tags?.[0] || image.id;
  const remove = async () => {
    setBusy(true);
    onError('');
    try {
      await api.removeImage(ref);
      onRemoved();
    } catch (e) {
      onError(errorMessage(e));
    } finally {
      setBusy(false);
      setConfirming(false);
    }
  };
  if (!confirming) {
    return (
      <button
        type="button"
        className="btn btn-ghost btn-sm btn-icon"
        onClick={() => setConfirming(true)}
        title={`Remove ${ref}`}
        aria-label={`Remove ${ref}`}
      >
        <Icon name="trash" />
      </button>
    );
  }
  return (
    <span className="confirm">
      <button type="button" className="btn btn-danger btn-sm" onClick={remove} disabled={busy}>
        {busy ? 'Removing…' : 'Remove'}
      </button>
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => setConfirming(false)} disabled={busy}>
        Cancel
      </button>
    </span>
  );
}

// how Docker says that no registry answers
const NO_REGISTRY =
  /no such host|dial tcp|connection refused|network is unreachable|i\/o timeout|TLS handshake timeout|server misbehaving|Client\.Timeout|context deadline exceeded/i;

/** Per-layer progress of a pull: the last event of each layer. */
function PullProgress({ op }: { op: OpLog }) {
  const layers = new Map<string, OpLog['events'][number]>();
  const general: OpLog['events'] = [];
  for (const ev of op.events) {
    // layer ids are hex; other targets are the image itself or its tag
    if (ev.step === 'pull' && ev.target && /^[0-9a-f]{12,64}$/.test(ev.target)) layers.set(ev.target, ev);
    else general.push(ev);
  }
  const last = general[general.length - 1];
  return (
    <div className="pull-progress" data-testid="pull-progress">
      <div className="pull-head">
        <span className="mono">{op.image || 'image'}</span>
        <StateBadge state={op.state === 'running' ? 'pulling' : op.state === 'done' ? 'done' : 'failed'} />
      </div>
      {op.state === 'failed' && (
        <div className="alert alert-error" role="alert">
          <strong>Pull failed.</strong>{' '}
          {NO_REGISTRY.test(op.error) && (
            <>
              No image registry can be reached from this machine: load the image with <code>docker load</code>{' '}
              instead, or build it.
              <br />
            </>
          )}
          <span className="small">{op.error || last?.message}</span>
        </div>
      )}
      {[...layers.entries()].map(([layer, ev]) => {
        const pct = ev.status === 'done' ? 100 : Math.max(0, Math.min(100, ev.percent ?? 0));
        return (
          <div key={layer} className="layer">
            <span className="mono small layer-id">{shortId(layer)}</span>
            <span className="bar" aria-label={`${pct}%`}>
              <span className={`bar-fill ${ev.status === 'error' ? 'bar-bad' : ev.status === 'done' ? 'bar-ok' : ''}`} style={{ width: `${pct}%` }} />
            </span>
            <span className="small muted layer-msg">{ev.message}</span>
          </div>
        );
      })}
      {op.state === 'running' && general.length > 0 && (
        <div className="small muted">
          {clock(general[general.length - 1].time)} {general[general.length - 1].message}
        </div>
      )}
    </div>
  );
}

function PullForm({ onDone }: { onDone: () => void }) {
  const [image, setImage] = useState('');
  const [error, setError] = useState('');
  const [opId, setOpId] = useState<string | undefined>(latestPullOperation());
  const op = useOperation(opId);
  useEvent('operation', (ev) => {
    if (ev.operation === opId && ev.state !== 'running') onDone();
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const name = image.trim();
    if (!name) {
      setError('Type an image name, e.g. alpine:3.20');
      return;
    }
    setError('');
    try {
      const r = await api.pull(name);
      noteOperation(r.operation, 'pull', '', '', name);
      setOpId(r.operation);
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  useReconnect(() => {
    if (opId) loadOperation(opId);
  });
  return (
    <section className="card section">
      <div className="section-head">
        <h2>Pull an image</h2>
      </div>
      <form className="inline-form" onSubmit={submit}>
        <input
          type="text"
          placeholder="alpine:3.20"
          aria-label="Image to pull"
          value={image}
          onChange={(e) => setImage(e.target.value)}
          spellCheck={false}
        />
        <button type="submit" className="btn btn-primary" disabled={op?.state === 'running'}>
          <Icon name="download" /> Pull
        </button>
      </form>
      {error && (
        <div className="alert alert-error" role="alert">
          {error}
        </div>
      )}
      {op && <PullProgress op={op} />}
    </section>
  );
}

interface LabNeeds {
  id: string;
  title: string;
  images: LabImage[] | null;
  error: string;
}

function LabNeedsCard() {
  const [needs, setNeeds] = useState<LabNeeds[] | null>(null);
  const [onlyMissing, setOnlyMissing] = useState(false);
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    try {
      const list = await api.labs();
      const labs = (list.repositories ?? []).flatMap((r) =>
        (r.labs ?? []).map((l) => ({ repo: r.name, name: l.name, title: l.title || l.name })),
      );
      const out: LabNeeds[] = labs.map((l) => ({ id: `${l.repo}/${l.name}`, title: l.title, images: null, error: '' }));
      setNeeds([...out]);
      // a few at a time: the corpus may hold dozens of labs
      let next = 0;
      const worker = async () => {
        while (next < labs.length) {
          const i = next++;
          try {
            const r = await api.labImages(labs[i].repo, labs[i].name);
            out[i] = { ...out[i], images: r.images ?? [] };
          } catch (e) {
            out[i] = { ...out[i], images: [], error: errorMessage(e) };
          }
          setNeeds([...out]);
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      setError('');
    } catch (e) {
      setError(errorMessage(e));
    }
  }, []);

  useEffect(() => {
    load();
  }, [load]);
  useReconnect(load);
  useEvent('operation', (ev) => {
    if (ev.state !== 'running' && (ev.kind === 'pull' || ev.kind === 'build')) load();
  });

  const shown = (needs ?? []).filter((n) => !onlyMissing || (n.images ?? []).some((i) => !i.present) || n.error);
  const missingCount = (needs ?? []).filter((n) => (n.images ?? []).some((i) => !i.present)).length;
  return (
    <section className="card section" data-testid="lab-needs">
      <div className="section-head">
        <h2>
          Images each lab needs
          {needs && <span className="section-sub">{missingCount === 0 ? 'nothing missing' : `${missingCount} labs miss images`}</span>}
        </h2>
        <label className="toggle">
          <input type="checkbox" checked={onlyMissing} onChange={(e) => setOnlyMissing(e.target.checked)} /> Only labs with
          missing images
        </label>
      </div>
      {error && <div className="alert alert-error">{error}</div>}
      {!needs && !error && <div className="loading">Loading…</div>}
      {needs && (
        <table className="table">
          <thead>
            <tr>
              <th>Lab</th>
              <th>Images</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((n) => (
              <tr key={n.id}>
                <td>
                  <a href={labHrefFromId(n.id)}>{n.title}</a>
                  <div className="muted small mono">{n.id}</div>
                </td>
                <td>
                  {n.error && <span className="text-bad small">{n.error}</span>}
                  {n.images === null && <span className="muted small">…</span>}
                  {n.images && n.images.length === 0 && !n.error && <span className="muted small">none</span>}
                  <div className="chips">
                    {(n.images ?? []).map((i) => (
                      <span
                        key={i.name}
                        className={`img-chip ${i.present ? 'img-present' : 'img-missing'}`}
                        title={`${i.present ? 'present' : 'missing'}${i.build ? ', built by dsp' : ''}${i.services?.length ? `; services: ${i.services.join(', ')}` : ''}`}
                      >
                        <Icon name={i.present ? 'check' : 'x'} size={12} />
                        {i.name}
                        {i.build && !i.present && <em> (build)</em>}
                      </span>
                    ))}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Images() {
  const [images, setImages] = useState<LocalImage[] | null>(null);
  const [removeErrors, setRemoveErrors] = useState<Record<string, string>>({});
  const [showUntagged, setShowUntagged] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    api
      .images()
      .then((r) => {
        setImages(
          // tagged images by name, untagged ones last
          [...(r.images ?? [])].sort(
            (a, b) =>
              Number(!a.tags?.length) - Number(!b.tags?.length) ||
              (a.tags?.[0] ?? a.id).localeCompare(b.tags?.[0] ?? b.id),
          ),
        );
        setError(null);
      })
      .catch((e) => setError(e));
  }, []);
  useEffect(load, [load]);
  useReconnect(load);
  // a lab that starts or stops changes which images are in use (a burst of events: reload once)
  const reloadTimer = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(reloadTimer.current), []);
  useEvent('state', (ev) => {
    if (ev.state !== 'running' && ev.state !== 'stopped') return;
    window.clearTimeout(reloadTimer.current);
    reloadTimer.current = window.setTimeout(load, 800);
  });

  const total = (images ?? []).reduce((n, i) => n + (i.size || 0), 0);
  const untagged = (images ?? []).filter((i) => !(i.tags ?? []).length).length;

  return (
    <div className="page">
      <header className="page-head">
        <div>
          <h1 className="page-title">Images</h1>
          <p className="muted">
            {images ? `${images.length} local images · ${humanBytes(total)}` : 'Docker images on this machine'}
          </p>
        </div>
        <button type="button" className="btn btn-ghost" onClick={load} title="Reload">
          <Icon name="refresh" /> Refresh
        </button>
      </header>
      <ErrorAlert error={error} testId="load-error" />

      <section className="card section">
        {!images && error == null && <div className="loading">Loading images…</div>}
        {images && images.length === 0 && <p className="muted">No local image.</p>}
        {images && images.length > 0 && (
          <div className="table-scroll">
            <table className="table" data-testid="images">
              <thead>
                <tr>
                  <th>Image</th>
                  <th className="num">Size</th>
                  <th>Created</th>
                  <th>Used by (running)</th>
                  <th>Needed by</th>
                  <th aria-label="Actions" />
                </tr>
              </thead>
              <tbody>
                {images.filter((i) => showUntagged || (i.tags ?? []).length > 0).map((i) => (
                  <Fragment key={i.id}>
                    <tr className={removeErrors[i.id] ? 'has-error' : undefined}>
                      <td className="image-cell">
                        {(i.tags ?? []).length > 0 ? (
                          (i.tags ?? []).map((t) => (
                            <div key={t} className="mono wrap-anywhere">
                              {t}
                            </div>
                          ))
                        ) : (
                          <div className="muted">untagged</div>
                        )}
                        <div className="muted small mono">{shortId(i.id)}</div>
                      </td>
                      <td className="num">{humanBytes(i.size)}</td>
                      <td className="nowrap" title={i.created ? new Date(i.created * 1000).toLocaleString() : undefined}>
                        {timeAgo(i.created)}
                      </td>
                      <td>
                        <LabLinks ids={i.usedBy} />
                      </td>
                      <td>
                        <LabLinks ids={i.neededBy} />
                      </td>
                      <td className="actions-cell">
                        <RemoveButton
                          image={i}
                          onRemoved={load}
                          onError={(m) => setRemoveErrors((e) => ({ ...e, [i.id]: m }))}
                        />
                      </td>
                    </tr>
                    {removeErrors[i.id] && (
                      <tr className="error-row">
                        <td colSpan={6}>
                          <div className="alert alert-error" role="alert">
                            <strong>Not removed:</strong> {removeErrors[i.id]}
                          </div>
                        </td>
                      </tr>
                    )}
                  </Fragment>
                ))}
              </tbody>
            </table>
            {untagged > 0 && (
              <button type="button" className="btn btn-ghost btn-sm show-more" onClick={() => setShowUntagged((v) => !v)}>
                {showUntagged ? 'Hide' : 'Show'} {untagged} untagged image{untagged === 1 ? '' : 's'} (left over by builds)
              </button>
            )}
          </div>
        )}
      </section>

      <PullForm onDone={load} />
      <LabNeedsCard />
    </div>
  );
}
