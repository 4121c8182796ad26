// The toolboxes attached to the running instance: containers of the user's
// own on the lab's networks (dsp/toolbox: nmap, tcpdump, curl… or any image),
// reached by name like a service: a terminal, files. The form attaches one:
// its image, an optional name, one or more lab networks each with an optional
// address, an optional gateway service (its default route). The server's
// refusal is shown beside the field it names.
//
// An image typed in may be offered as a toolbox ("Offer as toolbox": PUT
// /api/toolbox-images): it is then listed in the image select as yours, with
// a way to forget it. When dsp's own toolbox is missing, the card offers to
// build it (ToolboxBuild.tsx).
import { useEffect, useId, useState, type FormEvent } from 'react';
import { observeApi, type NetworkDef, type Toolbox, type ToolboxImage, type ToolboxRequest } from '../../../api';
import { Dialog } from '../../../components/Dialog';
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Icon } from '../../../components/Icons';
import { StateBadge } from '../../../components/StateBadge';
import { FieldError, fieldMessage, FormError, namesField } from './common';
import { ToolboxBuildPanel } from './ToolboxBuild';
import type { ToolboxBuild } from './useObserve';

const FIELDS = ['name', 'network', 'ip', 'gateway', 'image'] as const;
/** The image select's choice for an image typed in. */
const OTHER = '__other__';

interface NetRow {
  key: number;
  name: string;
  ip: string;
}

let rowKey = 1;

function imageLabel(i: ToolboxImage): string {
  const what = i.builtin ? ' — dsp’s toolbox' : i.registered ? ' — yours' : '';
  if (i.present) return `${i.image}${what}`;
  // make images builds dsp's own; another image is the user's to pull or build
  return `${i.image}${what} (missing: ${i.builtin ? 'run make images' : 'pull or build it'})`;
}

/** The image picked first: dsp's toolbox when present, else another present one, else one typed in. */
function firstImage(images: ToolboxImage[] | null): string {
  if (!images) return '';
  return (images.find((i) => i.builtin && i.present) ?? images.find((i) => i.present))?.image ?? OTHER;
}

function AttachForm({
  repo,
  lab,
  instance,
  networks,
  services,
  images,
  imagesError,
  onImages,
  running,
  onAttached,
}: {
  repo: string;
  lab: string;
  instance: string;
  networks: NetworkDef[];
  services: string[];
  images: ToolboxImage[] | null;
  imagesError: unknown;
  /** the list the server answered a registration with */
  onImages: (images: ToolboxImage[]) => void;
  running: boolean;
  onAttached: (t: Toolbox) => void;
}) {
  const ids = useId();
  const [choice, setChoice] = useState('');
  const [other, setOther] = useState('');
  const [name, setName] = useState('');
  const [nets, setNets] = useState<NetRow[]>(() => [{ key: rowKey++, name: networks[0]?.name ?? '', ip: '' }]);
  const [gateway, setGateway] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState('');
  // offering the image typed in as a toolbox, forgetting one
  const [offering, setOffering] = useState(false);
  const [forgetting, setForgetting] = useState('');
  const [offerError, setOfferError] = useState<unknown>(null);
  const [offered, setOffered] = useState('');

  useEffect(() => {
    if (!choice && images) setChoice(firstImage(images));
  }, [images, choice]);

  // dsp's toolbox built (here or elsewhere) while nothing was picked: pick it
  const builtin = images?.find((i) => i.builtin);
  const builtinPresent = !!builtin?.present;
  const [wasPresent, setWasPresent] = useState(builtinPresent);
  if (wasPresent !== builtinPresent) {
    setWasPresent(builtinPresent);
    if (builtinPresent && builtin && choice === OTHER && !other.trim()) setChoice(builtin.image);
  }

  const image = choice === OTHER ? other.trim() : choice;
  const unused = networks.filter((n) => !nets.some((r) => r.name === n.name));
  const setNet = (key: number, patch: Partial<NetRow>) => setNets((rows) => rows.map((r) => (r.key === key ? { ...r, ...patch } : r)));

  /** Register the image typed in (PUT registered: true); picked when it is on the engine. */
  const offer = async () => {
    const ref = other.trim();
    if (!ref || offering) return;
    setOffering(true);
    setOfferError(null);
    setOffered('');
    try {
      const r = await observeApi.registerToolboxImage(ref, true);
      const list = r.images ?? [];
      onImages(list);
      const it = list.find((i) => i.image === ref);
      if (it?.present) {
        setChoice(ref);
        setOther('');
        setOffered(`${ref} is offered as a toolbox: yours in the list.`);
      } else {
        setOffered(`${ref} is offered as a toolbox, but it is not on the Docker Engine yet: pull or build it.`);
      }
    } catch (err) {
      setOfferError(err);
    } finally {
      setOffering(false);
    }
  };

  /** Stop offering one of the user's images (PUT registered: false); the image stays on the engine. */
  const forget = async (ref: string) => {
    setForgetting(ref);
    setOfferError(null);
    setOffered('');
    try {
      const r = await observeApi.registerToolboxImage(ref, false);
      const list = r.images ?? [];
      onImages(list);
      if (choice === ref && !list.some((i) => i.image === ref && i.present)) setChoice(firstImage(list));
    } catch (err) {
      setOfferError(err);
    } finally {
      setForgetting('');
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!running || busy) return;
    setBusy(true);
    setError(null);
    setDone('');
    setOffered('');
    const req: ToolboxRequest = {
      networks: nets.filter((r) => r.name).map((r) => (r.ip.trim() ? { name: r.name, ip: r.ip.trim() } : { name: r.name })),
    };
    if (image) req.image = image;
    if (name.trim()) req.name = name.trim();
    if (gateway) req.gateway = gateway;
    try {
      const t = await observeApi.attachToolbox(repo, lab, instance, req);
      setDone(`Attached ${t.name}.`);
      setName('');
      setNets((rows) => rows.map((r) => ({ ...r, ip: '' })));
      onAttached(t);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const nameError = fieldMessage(error, 'name');
  const netError = fieldMessage(error, 'network', 'ip');
  const ipError = fieldMessage(error, 'ip') !== '';
  const gatewayError = fieldMessage(error, 'gateway');
  const imageError = fieldMessage(error, 'image') || fieldMessage(offerError, 'image');
  const picked = images?.find((i) => i.image === choice);
  const yours = (images ?? []).filter((i) => i.registered);

  return (
    <form className="observe-form" onSubmit={submit} data-testid="toolbox-form" aria-label="Attach a toolbox">
      <h3>
        <Icon name="plus" size={15} /> Attach a toolbox
      </h3>
      <div className="observe-fields">
        <div className="field">
          <label htmlFor={`${ids}-image`}>Image</label>
          <select
            id={`${ids}-image`}
            className="select-field mono"
            value={choice}
            onChange={(e) => {
              setChoice(e.target.value);
              setOffered('');
            }}
            data-testid="toolbox-image"
            aria-describedby={imageError ? `${ids}-image-error` : undefined}
          >
            {(images ?? []).map((i) => (
              <option key={i.image} value={i.image} disabled={!i.present}>
                {imageLabel(i)}
              </option>
            ))}
            <option value={OTHER}>Another image…</option>
          </select>
          {choice === OTHER && (
            <div className="toolbox-other-row">
              <input
                type="text"
                className="mono"
                aria-label="Image reference"
                placeholder="dsp/busybox:latest"
                value={other}
                onChange={(e) => {
                  setOther(e.target.value);
                  setOfferError(null);
                  setOffered('');
                }}
                spellCheck={false}
                autoComplete="off"
                aria-invalid={imageError ? true : undefined}
                aria-describedby={imageError ? `${ids}-image-error` : undefined}
                data-testid="toolbox-image-other"
              />
              <button
                type="button"
                className="btn btn-sm"
                onClick={() => void offer()}
                disabled={!other.trim() || offering}
                title="List this image as one of your toolboxes, here and in dsp toolbox"
                data-testid="toolbox-image-offer"
              >
                {offering ? 'Offering…' : 'Offer as toolbox'}
              </button>
            </div>
          )}
          {offered && (
            <span className="small text-ok field-note" role="status" data-testid="toolbox-image-offered">
              {offered}
            </span>
          )}
          {yours.length > 0 && (
            <div className="toolbox-yours" data-testid="toolbox-yours">
              <span className="muted small">Yours:</span>
              {yours.map((i) => (
                <span key={i.image} className="toolbox-yours-image" data-testid="toolbox-yours-image" data-image={i.image} data-present={i.present}>
                  <span className="mono small" title={i.present ? i.image : `${i.image}: not on the Docker Engine`}>
                    {i.image}
                  </span>
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost btn-icon"
                    aria-label={`Forget ${i.image}`}
                    title="Stop offering it as a toolbox (the image stays on the engine)"
                    onClick={() => void forget(i.image)}
                    disabled={forgetting === i.image}
                    data-testid="toolbox-image-forget"
                  >
                    <Icon name="x" size={12} />
                  </button>
                </span>
              ))}
            </div>
          )}
          {offerError != null && !namesField(offerError, ['image']) && (
            <ErrorAlert error={offerError} lead="Not changed:" testId="toolbox-offer-error" />
          )}
          {picked?.builtin && <span className="muted small field-note">nmap, tcpdump, tshark, hydra, curl and their kin</span>}
          {imagesError != null && <span className="muted small field-note">The image list could not be read: type an image.</span>}
          <FieldError id={`${ids}-image-error`} error={imageError} testId="toolbox-error-image" />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-name`}>
            Name <span className="muted optional">optional</span>
          </label>
          <input
            id={`${ids}-name`}
            type="text"
            className="mono"
            value={name}
            placeholder="toolbox"
            onChange={(e) => setName(e.target.value)}
            spellCheck={false}
            autoComplete="off"
            data-testid="toolbox-name"
            aria-invalid={!!nameError}
            aria-describedby={nameError ? `${ids}-name-error` : undefined}
          />
          <FieldError id={`${ids}-name-error`} error={nameError} testId="toolbox-error-name" />
        </div>
        <div className="field">
          <label htmlFor={`${ids}-gateway`}>
            Gateway <span className="muted optional">optional</span>
          </label>
          <select
            id={`${ids}-gateway`}
            className="select-field"
            value={gateway}
            onChange={(e) => setGateway(e.target.value)}
            data-testid="toolbox-gateway"
            aria-describedby={gatewayError ? `${ids}-gateway-error` : undefined}
          >
            <option value="">none: Docker’s default route</option>
            {services.map((s) => (
              <option key={s} value={s}>
                route through {s}
              </option>
            ))}
          </select>
          <FieldError id={`${ids}-gateway-error`} error={gatewayError} testId="toolbox-error-gateway" />
        </div>
      </div>
      <fieldset className="observe-nets" aria-describedby={netError ? `${ids}-net-error` : undefined}>
        <legend>Networks</legend>
        {nets.map((r, i) => (
          <div className="observe-net-row" key={r.key} data-testid="toolbox-net-row">
            <select
              className="select-field"
              aria-label={`Network ${i + 1}`}
              value={r.name}
              onChange={(e) => setNet(r.key, { name: e.target.value })}
              data-testid="toolbox-network"
            >
              {networks
                .filter((n) => n.name === r.name || !nets.some((o) => o.name === n.name))
                .map((n) => (
                  <option key={n.name} value={n.name}>
                    {n.name}
                    {n.subnet ? ` (${n.subnet})` : ''}
                  </option>
                ))}
            </select>
            <input
              type="text"
              className="mono"
              aria-label={`Address on ${r.name || `network ${i + 1}`}`}
              placeholder="automatic"
              value={r.ip}
              onChange={(e) => setNet(r.key, { ip: e.target.value })}
              spellCheck={false}
              autoComplete="off"
              data-testid="toolbox-ip"
              aria-invalid={ipError && r.ip.trim() !== '' ? true : undefined}
            />
            {nets.length > 1 && (
              <button
                type="button"
                className="btn btn-sm btn-ghost btn-icon"
                aria-label={`Leave out ${r.name || `network ${i + 1}`}`}
                title="Leave this network out"
                onClick={() => setNets((rows) => rows.filter((x) => x.key !== r.key))}
              >
                <Icon name="x" size={14} />
              </button>
            )}
          </div>
        ))}
        {unused.length > 0 && (
          <button
            type="button"
            className="btn btn-sm btn-ghost"
            onClick={() => setNets((rows) => [...rows, { key: rowKey++, name: unused[0].name, ip: '' }])}
            data-testid="toolbox-add-network"
          >
            <Icon name="plus" size={14} /> Another network
          </button>
        )}
        <FieldError id={`${ids}-net-error`} error={netError} testId="toolbox-error-network" />
      </fieldset>
      <div className="observe-actions">
        <button type="submit" className="btn btn-primary" disabled={!running || busy || !image || nets.length === 0} data-testid="toolbox-attach">
          {busy ? 'Attaching…' : 'Attach'}
        </button>
        {done && (
          <span className="small text-ok" role="status" data-testid="toolbox-attached">
            {done}
          </span>
        )}
      </div>
      <FormError error={error} fields={FIELDS} lead="Not attached:" testId="toolbox-error" />
    </form>
  );
}

export function ToolboxesCard({
  repo,
  lab,
  instance,
  running,
  toolboxes,
  networks,
  services,
  images,
  imagesError,
  onImages,
  build,
  onChanged,
  onTerminal,
}: {
  repo: string;
  lab: string;
  instance: string;
  /** the instance runs: toolboxes may be attached */
  running: boolean;
  toolboxes: Toolbox[];
  networks: NetworkDef[];
  /** the lab's services (gateways) */
  services: string[];
  images: ToolboxImage[] | null;
  imagesError: unknown;
  /** the image list the server answered a registration with */
  onImages: (images: ToolboxImage[]) => void;
  /** building dsp's toolbox when it is missing */
  build: ToolboxBuild;
  /** a toolbox was attached or detached here: read the list again */
  onChanged: () => void;
  onTerminal: (name: string) => void;
}) {
  const labelId = useId();
  const [detaching, setDetaching] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [detachError, setDetachError] = useState<unknown>(null);

  const detach = async () => {
    if (!detaching) return;
    setBusy(true);
    setDetachError(null);
    try {
      await observeApi.detachToolbox(repo, lab, instance, detaching);
      setDetaching(null);
      onChanged();
    } catch (e) {
      setDetachError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card section observe-card" data-testid="toolboxes-card">
      <div className="section-head">
        <h2>
          Toolboxes
          <span className="section-sub">
            {toolboxes.length === 0 ? 'none attached' : `${toolboxes.length} attached`} · your own containers on the lab’s networks
          </span>
        </h2>
      </div>
      {toolboxes.length === 0 ? (
        <p className="muted small observe-empty" data-testid="toolboxes-empty">
          No toolbox yet. A toolbox is a container of your own on the lab’s networks, reached by its name like a service: open a
          terminal in it to scan, sniff and attack from inside the lab.
        </p>
      ) : (
        <div className="table-scroll">
          <table className="table" data-testid="toolboxes">
            <thead>
              <tr>
                <th>Toolbox</th>
                <th>Image</th>
                <th>State</th>
                <th>Networks</th>
                <th>Gateway</th>
                <th className="actions-cell">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {toolboxes.map((t) => (
                <tr key={t.name} data-toolbox={t.name} data-testid="toolbox-row">
                  <td>
                    <strong>{t.name}</strong>
                  </td>
                  <td className="mono small wrap-anywhere">{t.image}</td>
                  <td>
                    <StateBadge state={t.state} />
                  </td>
                  <td>
                    <ul className="plain-list">
                      {(t.networks ?? []).map((n) => (
                        <li key={n.name}>
                          <span className="muted">{n.name}</span> <span className="mono ip">{n.ip}</span>
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{t.gateway ? <span className="mono">{t.gateway}</span> : <span className="muted">—</span>}</td>
                  <td className="actions-cell">
                    <span className="row-actions">
                      <button
                        type="button"
                        className="btn btn-sm"
                        disabled={t.state !== 'running'}
                        onClick={() => onTerminal(t.name)}
                        title={t.state === 'running' ? `Open a terminal in ${t.name}` : `${t.name} is not running`}
                        data-testid="toolbox-terminal"
                      >
                        <Icon name="terminal" size={14} /> Terminal
                      </button>
                      <button
                        type="button"
                        className="btn btn-sm btn-danger"
                        onClick={() => {
                          setDetachError(null);
                          setDetaching(t.name);
                        }}
                        title={`Remove ${t.name}’s container`}
                        data-testid="toolbox-detach"
                      >
                        <Icon name="trash" size={14} /> Detach
                      </button>
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <ToolboxBuildPanel build={build} />
      <AttachForm
        repo={repo}
        lab={lab}
        instance={instance}
        networks={networks}
        services={services}
        images={images}
        imagesError={imagesError}
        onImages={onImages}
        running={running}
        onAttached={onChanged}
      />
      <Dialog open={detaching !== null} onClose={() => setDetaching(null)} labelId={labelId} testId="detach-dialog">
        <h2 id={labelId}>Detach {detaching}?</h2>
        <p>Its container is removed, with whatever was saved in it. Terminals into it are closed.</p>
        <ErrorAlert error={detachError} lead="Not detached:" />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setDetaching(null)} autoFocus>
            Cancel
          </button>
          <button type="button" className="btn btn-danger" onClick={detach} disabled={busy} data-testid="confirm-detach">
            {busy ? 'Detaching…' : 'Detach'}
          </button>
        </div>
      </Dialog>
    </section>
  );
}
