// The side panel of the graph: the selected network (name, subnet, gateway,
// internal) or service (name, image, command, entrypoint, ports, environment,
// volumes, capabilities and privileged mode with a risk badge, depends_on, an
// address per attached network with "Suggest", shell, wrapper actions, files
// to copy), the model problems about it shown as you type. Every control has
// a label; edits go through `edit`, one undo step per field and burst. A
// virtual machine's settings (x-dsp.vm) are not in the model: they are shown
// read-only from the saved lab's details, to be edited in the Compose tab.
import { useEffect, useId, useState, type ReactNode } from 'react';
import type { LocalImage, ModelProblem, VMDef } from '../../api';
import { cpusText, memoryText, nanosText } from '../../vm';
import { joinCommand, problemsFor, serviceRisks, splitCommand, type Doc, type NetItem, type SvcItem } from './model';
import './Inspector.css';

export interface InspectorProps {
  doc: Doc;
  selection: string[];
  modelProblems: ModelProblem[];
  images: LocalImage[];
  readOnly: boolean;
  /** apply f to the Doc; `burst` names the field (one undo step per burst) */
  edit: (f: (d: Doc) => Doc, burst: string) => void;
  renameNetwork: (uid: string, name: string) => void;
  renameService: (uid: string, name: string) => void;
  attach: (svcUid: string, network: string) => void;
  detach: (svcUid: string, network: string) => void;
  suggest: (svcUid: string, network: string) => Promise<void>;
  remove: (nodeId: string) => void;
  /** the VM settings (x-dsp.vm) of the saved lab's services, by service name */
  vms?: Record<string, VMDef>;
  /** show the Compose tab (where x-dsp.vm is edited) */
  openCompose?: () => void;
}

function Problems({ list, testId }: { list: ModelProblem[]; testId?: string }) {
  if (list.length === 0) return null;
  return (
    <ul className="insp-problems" role="alert" data-testid={testId}>
      {list.map((p, i) => (
        <li key={i}>
          {p.message}
          {p.field && <span className="mono insp-field"> ({p.field})</span>}
        </li>
      ))}
    </ul>
  );
}

/** A text field whose value is kept while typing and given to onChange on each keystroke. */
function TextField({
  label,
  value,
  onChange,
  placeholder,
  readOnly,
  mono,
  list,
  invalid,
  hint,
  testId,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  readOnly?: boolean;
  mono?: boolean;
  list?: string;
  invalid?: boolean;
  hint?: ReactNode;
  testId?: string;
}) {
  const id = useId();
  return (
    <div className="insp-field-row">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        className={mono ? 'mono' : undefined}
        value={value}
        placeholder={placeholder}
        readOnly={readOnly}
        list={list}
        aria-invalid={invalid || undefined}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        autoComplete="off"
        data-testid={testId}
      />
      {hint && <div className="insp-hint">{hint}</div>}
    </div>
  );
}

/** A command line edited as one line, kept as typed while it means the same words. */
function CommandField({
  label,
  value,
  onChange,
  readOnly,
}: {
  label: string;
  value: string[] | null;
  onChange: (v: string[] | null) => void;
  readOnly: boolean;
}) {
  const [text, setText] = useState(() => joinCommand(value));
  useEffect(() => {
    if (JSON.stringify(splitCommand(text)) !== JSON.stringify(value)) setText(joinCommand(value));
    // only when the value changes from elsewhere (undo, the text)
  }, [JSON.stringify(value)]);
  return (
    <TextField
      label={label}
      value={text}
      mono
      readOnly={readOnly}
      placeholder="the image's default"
      onChange={(v) => {
        setText(v);
        onChange(splitCommand(v));
      }}
    />
  );
}

/** A list of strings, one row each, with Add and Remove. */
function ListField({
  label,
  items,
  onChange,
  placeholder,
  readOnly,
  addLabel,
}: {
  label: string;
  items: string[];
  onChange: (v: string[]) => void;
  placeholder?: string;
  readOnly: boolean;
  addLabel: string;
}) {
  return (
    <fieldset className="insp-group">
      <legend>{label}</legend>
      {items.map((v, i) => (
        <div className="insp-row" key={i}>
          <input
            type="text"
            className="mono"
            aria-label={`${label} ${i + 1}`}
            value={v}
            placeholder={placeholder}
            readOnly={readOnly}
            spellCheck={false}
            onChange={(e) => onChange(items.map((x, j) => (j === i ? e.target.value : x)))}
          />
          {!readOnly && (
            <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove ${label.toLowerCase()} ${i + 1}`} onClick={() => onChange(items.filter((_, j) => j !== i))}>
              ✕
            </button>
          )}
        </div>
      ))}
      {!readOnly && (
        <button type="button" className="btn btn-sm" onClick={() => onChange([...items, ''])}>
          {addLabel}
        </button>
      )}
    </fieldset>
  );
}

/** Key/value rows (environment, action arguments); the order of the rows is kept. */
function KVField({
  label,
  value,
  onChange,
  readOnly,
  addLabel,
}: {
  label: string;
  value: Record<string, unknown>;
  onChange: (v: Record<string, unknown>) => void;
  readOnly: boolean;
  addLabel: string;
}) {
  const entries = Object.entries(value);
  const set = (rows: [string, unknown][]) => onChange(Object.fromEntries(rows));
  const shown = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));
  return (
    <fieldset className="insp-group">
      <legend>{label}</legend>
      {entries.map(([k, v], i) => (
        <div className="insp-row insp-kv" key={i}>
          <input
            type="text"
            className="mono"
            aria-label={`${label} ${i + 1} name`}
            value={k}
            readOnly={readOnly}
            spellCheck={false}
            onChange={(e) => set(entries.map((x, j) => (j === i ? [e.target.value, x[1]] : x)))}
          />
          <span aria-hidden="true">=</span>
          <input
            type="text"
            className="mono"
            aria-label={`${label} ${i + 1} value`}
            value={shown(v)}
            readOnly={readOnly}
            spellCheck={false}
            onChange={(e) => set(entries.map((x, j) => (j === i ? [x[0], typeof x[1] === 'boolean' || typeof x[1] === 'number' ? parseScalar(e.target.value) : e.target.value] : x)))}
          />
          {!readOnly && (
            <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove ${label.toLowerCase()} ${i + 1}`} onClick={() => set(entries.filter((_, j) => j !== i))}>
              ✕
            </button>
          )}
        </div>
      ))}
      {!readOnly && (
        <button type="button" className="btn btn-sm" onClick={() => set([...entries, [freshKey(value), '']])}>
          {addLabel}
        </button>
      )}
    </fieldset>
  );
}

function parseScalar(s: string): unknown {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  return s;
}

function freshKey(v: Record<string, unknown>): string {
  for (let i = 1; ; i++) if (!(`KEY${i}` in v)) return `KEY${i}`;
}

function NetworkPanel({ n, p }: { n: NetItem; p: InspectorProps }) {
  const ro = p.readOnly;
  const set = (field: keyof NetItem, value: unknown) =>
    p.edit((d) => ({ ...d, networks: d.networks.map((x) => (x.uid === n.uid ? { ...x, [field]: value } : x)) }), `net:${n.uid}:${field}`);
  const probs = problemsFor(p.modelProblems, `networks.${n.name}`);
  const about = (f: string) => probs.filter((x) => x.field.includes(f));
  return (
    <div className="insp" data-testid="inspector" data-kind="network" data-name={n.name}>
      <div className="insp-head">
        <h3>Network {n.name}</h3>
        {!ro && (
          <button type="button" className="btn btn-sm btn-danger" onClick={() => p.remove(`net:${n.uid}`)}>
            Delete network
          </button>
        )}
      </div>
      <TextField label="Name" value={n.name} readOnly={ro} mono onChange={(v) => p.renameNetwork(n.uid, v)} testId="network-name" />
      <TextField
        label="Subnet"
        value={n.subnet}
        readOnly={ro}
        mono
        placeholder="automatic, e.g. 10.10.1.0/24"
        invalid={about('subnet').length > 0}
        onChange={(v) => set('subnet', v.trim())}
        testId="network-subnet"
      />
      <TextField
        label="Gateway"
        value={n.gateway}
        readOnly={ro}
        mono
        placeholder="automatic"
        invalid={about('gateway').length > 0}
        onChange={(v) => set('gateway', v.trim())}
        testId="network-gateway"
      />
      <label className="toggle insp-check">
        <input type="checkbox" checked={n.internal} disabled={ro} onChange={(e) => set('internal', e.target.checked)} /> Internal (no
        route out of the lab)
      </label>
      <Problems list={probs} testId="network-problems" />
      <p className="insp-hint">
        {p.doc.services.filter((s) => s.networks.some((a) => a.network === n.name)).length} service(s) attached. Drag from a service to
        this network to attach one.
      </p>
    </div>
  );
}

function ServicePanel({ s, p }: { s: SvcItem; p: InspectorProps }) {
  const ro = p.readOnly;
  const set = <K extends keyof SvcItem>(field: K, value: SvcItem[K]) =>
    p.edit((d) => ({ ...d, services: d.services.map((x) => (x.uid === s.uid ? { ...x, [field]: value } : x)) }), `svc:${s.uid}:${String(field)}`);
  const probs = problemsFor(p.modelProblems, `services.${s.name}`);
  const risks = serviceRisks(s);
  const listId = useId();
  const [suggesting, setSuggesting] = useState('');
  const unattached = p.doc.networks.filter((n) => !s.networks.some((a) => a.network === n.name));
  const others = p.doc.services.filter((x) => x.uid !== s.uid);
  const image = p.images.find((i) => (i.tags ?? []).includes(s.image));
  return (
    <div className="insp" data-testid="inspector" data-kind="service" data-name={s.name}>
      <div className="insp-head">
        <h3>Service {s.name}</h3>
        {risks.length > 0 && (
          <span className="risk-badge" data-testid="risk-badge" title="Starting it in an untrusted repository asks first">
            ⚠ risk: {risks.join(', ')}
          </span>
        )}
        {!ro && (
          <button type="button" className="btn btn-sm btn-danger" onClick={() => p.remove(`svc:${s.uid}`)}>
            Delete service
          </button>
        )}
      </div>
      <TextField label="Name" value={s.name} readOnly={ro} mono onChange={(v) => p.renameService(s.uid, v)} testId="service-name" />
      <TextField
        label="Image"
        value={s.image}
        readOnly={ro}
        mono
        list={listId}
        placeholder="e.g. dsp/busybox:latest"
        onChange={(v) => set('image', v.trim())}
        hint={image ? `local image, ${Math.round(image.size / 1e6)} MB${wrapperSummary(image.wrapper)}` : s.image ? 'not a local image: pulled or built at start' : undefined}
        testId="service-image"
      />
      <datalist id={listId}>
        {p.images.flatMap((i) => (i.tags ?? []).map((t) => <option key={`${i.id}:${t}`} value={t} label={wrapperSummary(i.wrapper).replace(/^ · /, '')} />))}
      </datalist>
      {p.vms?.[s.name] && <VMSettings vm={p.vms[s.name]} openCompose={p.openCompose} />}
      <CommandField label="Command" value={s.command} readOnly={ro} onChange={(v) => set('command', v)} />
      <CommandField label="Entrypoint" value={s.entrypoint} readOnly={ro} onChange={(v) => set('entrypoint', v)} />

      <fieldset className="insp-group">
        <legend>Networks</legend>
        {s.networks.length === 0 && <p className="insp-hint">On no network yet: drag from this service to a network, or attach it here.</p>}
        {s.networks.map((a, i) => {
          const aprobs = problemsFor(p.modelProblems, `services.${s.name}.networks.${a.network}`);
          return (
            <div key={a.network} className="insp-att" data-testid="attachment" data-network={a.network}>
              <div className="insp-row">
                <span className="mono insp-att-name">{a.network}</span>
                <input
                  type="text"
                  className="mono"
                  aria-label={`Address on ${a.network}`}
                  placeholder="automatic"
                  value={a.ipv4}
                  readOnly={ro}
                  aria-invalid={aprobs.length > 0 || undefined}
                  spellCheck={false}
                  onChange={(e) =>
                    set(
                      'networks',
                      s.networks.map((x, j) => (j === i ? { ...x, ipv4: e.target.value.trim() } : x)),
                    )
                  }
                />
                {!ro && (
                  <button
                    type="button"
                    className="btn btn-sm"
                    disabled={!!suggesting}
                    aria-label={`Suggest a free address on ${a.network}`}
                    onClick={async () => {
                      setSuggesting(a.network);
                      try {
                        await p.suggest(s.uid, a.network);
                      } finally {
                        setSuggesting('');
                      }
                    }}
                  >
                    {suggesting === a.network ? '…' : 'Suggest'}
                  </button>
                )}
                {!ro && (
                  <button type="button" className="btn btn-sm btn-ghost" aria-label={`Detach from ${a.network}`} onClick={() => p.detach(s.uid, a.network)}>
                    ✕
                  </button>
                )}
              </div>
              <Problems list={aprobs} />
            </div>
          );
        })}
        {!ro && unattached.length > 0 && (
          <label className="insp-row">
            <span className="insp-inline-label">Attach to</span>
            <select
              className="select-sm"
              aria-label="Attach to network"
              value=""
              onChange={(e) => {
                if (e.target.value) p.attach(s.uid, e.target.value);
              }}
            >
              <option value="">choose a network…</option>
              {unattached.map((n) => (
                <option key={n.uid} value={n.name}>
                  {n.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </fieldset>

      <ListField label="Ports" items={s.ports} readOnly={ro} placeholder="127.0.0.1:8080:80" addLabel="Add port" onChange={(v) => set('ports', v)} />
      <KVField
        label="Environment"
        value={s.environment}
        readOnly={ro}
        addLabel="Add variable"
        onChange={(v) => set('environment', Object.fromEntries(Object.entries(v).map(([k, x]) => [k, String(x)])))}
      />
      <ListField label="Volumes" items={s.volumes} readOnly={ro} placeholder="./data:/data" addLabel="Add volume" onChange={(v) => set('volumes', v)} />

      <fieldset className="insp-group">
        <legend>Powers</legend>
        <label className="toggle insp-check">
          <input type="checkbox" checked={s.privileged} disabled={ro} onChange={(e) => set('privileged', e.target.checked)} /> Privileged
          {s.privileged && <span className="risk-badge">risk</span>}
        </label>
        <ListField label="Capabilities" items={s.capAdd} readOnly={ro} placeholder="NET_ADMIN" addLabel="Add capability" onChange={(v) => set('capAdd', v)} />
      </fieldset>

      {others.length > 0 && (
        <fieldset className="insp-group">
          <legend>Depends on</legend>
          {others.map((o) => (
            <label key={o.uid} className="toggle insp-check">
              <input
                type="checkbox"
                checked={s.dependsOn.includes(o.name)}
                disabled={ro}
                onChange={(e) => set('dependsOn', e.target.checked ? [...s.dependsOn, o.name] : s.dependsOn.filter((x) => x !== o.name))}
              />{' '}
              {o.name}
            </label>
          ))}
        </fieldset>
      )}

      <label className="toggle insp-check">
        <input type="checkbox" checked={s.shell !== false} disabled={ro} onChange={(e) => set('shell', e.target.checked)} /> Shell allowed
        (terminals into this service)
      </label>

      <fieldset className="insp-group">
        <legend>Wrapper actions</legend>
        {s.actions.map((a, i) => {
          const setA = (v: Partial<typeof a>) => set('actions', s.actions.map((x, j) => (j === i ? { ...x, ...v } : x)));
          return (
            <div key={i} className="insp-action" data-testid="action">
              <div className="insp-row">
                <input type="text" className="mono" aria-label={`Action ${i + 1} name`} value={a.name} readOnly={ro} placeholder="name" onChange={(e) => setA({ name: e.target.value })} />
                <input
                  type="number"
                  className="insp-num"
                  aria-label={`Action ${i + 1} priority`}
                  value={a.priority}
                  readOnly={ro}
                  onChange={(e) => setA({ priority: Number(e.target.value) || 0 })}
                />
                {!ro && (
                  <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove action ${i + 1}`} onClick={() => set('actions', s.actions.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                )}
              </div>
              <KVField label={`Action ${i + 1} arguments`} value={a.args} readOnly={ro} addLabel="Add argument" onChange={(v) => setA({ args: v })} />
            </div>
          );
        })}
        {!ro && (
          <button
            type="button"
            className="btn btn-sm"
            onClick={() => set('actions', [...s.actions, { name: '', priority: s.actions.length + 1, args: {} }])}
          >
            Add action
          </button>
        )}
      </fieldset>

      <fieldset className="insp-group">
        <legend>Files to copy</legend>
        {s.files.map((f, i) => {
          const setF = (v: Partial<typeof f>) => set('files', s.files.map((x, j) => (j === i ? { ...x, ...v } : x)));
          return (
            <div key={i} className="insp-file">
              <div className="insp-row">
                <input type="text" className="mono" aria-label={`File ${i + 1} source`} placeholder="files/motd (in the lab folder)" value={f.source} readOnly={ro} onChange={(e) => setF({ source: e.target.value })} />
                <input type="text" className="mono" aria-label={`File ${i + 1} target`} placeholder="/etc/motd" value={f.target} readOnly={ro} onChange={(e) => setF({ target: e.target.value })} />
                {!ro && (
                  <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove file ${i + 1}`} onClick={() => set('files', s.files.filter((_, j) => j !== i))}>
                    ✕
                  </button>
                )}
              </div>
              <label className="toggle insp-check">
                <input type="checkbox" checked={f.afterActions} disabled={ro} onChange={(e) => setF({ afterActions: e.target.checked })} /> after the
                actions
              </label>
            </div>
          );
        })}
        {!ro && (
          <button type="button" className="btn btn-sm" onClick={() => set('files', [...s.files, { source: '', target: '', afterActions: false }])}>
            Add file
          </button>
        )}
      </fieldset>

      <Problems list={probs.filter((x) => !x.field.startsWith(`services.${s.name}.networks.`))} testId="service-problems" />
    </div>
  );
}

/** A VM service's x-dsp.vm, read-only: the model the graph edits does not carry it. */
function VMSettings({ vm, openCompose }: { vm: VMDef; openCompose?: () => void }) {
  const rows: [string, string][] = [];
  if (vm.kernel) rows.push(['Kernel', vm.kernel]);
  if (vm.initrd) rows.push(['Initrd', vm.initrd]);
  if (vm.append) rows.push(['Kernel command line', vm.append]);
  if (vm.disk) rows.push(['Disk', vm.disk]);
  if (vm.disk && vm.diskFormat) rows.push(['Disk format', vm.diskFormat]);
  if (vm.disk) rows.push(['Disk changes', vm.keepDisk ? 'kept across starts' : 'dropped at each start']);
  rows.push(['Memory', memoryText(vm.memoryMiB)]);
  rows.push(['CPUs', cpusText(vm.cpus)]);
  rows.push(['Console', vm.console === 'vnc' ? 'vnc (a screen, and the serial console)' : 'serial']);
  if (vm.readyConsole) rows.push(['Ready when the console shows', vm.readyConsole]);
  if (vm.readyTimeout) rows.push(['Ready within', nanosText(vm.readyTimeout)]);
  return (
    <fieldset className="insp-group insp-vm" data-testid="vm-settings">
      <legend>Virtual machine</legend>
      <dl className="insp-vm-list">
        {rows.map(([k, v]) => (
          <div key={k} className="insp-vm-row" data-field={k}>
            <dt>{k}</dt>
            <dd className="mono">{v}</dd>
          </div>
        ))}
      </dl>
      <p className="insp-hint" data-testid="vm-settings-note">
        Read-only here (x-dsp.vm, as last saved): edit them in the{' '}
        {openCompose ? (
          <button type="button" className="insp-link" onClick={openCompose} data-testid="vm-open-compose">
            Compose tab
          </button>
        ) : (
          'Compose tab'
        )}
        .
      </p>
    </fieldset>
  );
}

export function Inspector(p: InspectorProps) {
  const only = p.selection.length === 1 ? p.selection[0] : '';
  const net = only.startsWith('net:') ? p.doc.networks.find((n) => `net:${n.uid}` === only) : undefined;
  const svc = only.startsWith('svc:') ? p.doc.services.find((s) => `svc:${s.uid}` === only) : undefined;
  return (
    <aside className="inspector" aria-label="Selection">
      {net ? (
        <NetworkPanel key={net.uid} n={net} p={p} />
      ) : svc ? (
        <ServicePanel key={svc.uid} s={svc} p={p} />
      ) : (
        <div className="insp insp-none">
          <p className="muted">
            {p.selection.length > 1 ? `${p.selection.length} selected: Delete removes them.` : 'Select a network or a service to edit it.'}
          </p>
          <p className="insp-hint">
            {p.doc.networks.length} network{p.doc.networks.length === 1 ? '' : 's'}, {p.doc.services.length} service
            {p.doc.services.length === 1 ? '' : 's'}.
          </p>
          <Problems list={p.modelProblems} testId="all-model-problems" />
        </div>
      )}
    </aside>
  );
}

/** What a wrapped image declares, in a few words (" · router · ports 80 · caps NET_ADMIN · actions adduser, ctf"); "" for a plain image. */
function wrapperSummary(w: LocalImage['wrapper'] | undefined): string {
  if (!w) return '';
  const parts: string[] = [];
  if (w.type) parts.push(w.type);
  if (w.ports?.length) parts.push(`ports ${w.ports.join(', ')}`);
  if (w.capsAdd?.length) parts.push(`caps ${w.capsAdd.join(', ')}`);
  if (w.privileged) parts.push('privileged');
  const actions = Object.keys(w.actions ?? {});
  if (actions.length) parts.push(`actions ${actions.join(', ')}`);
  return parts.length ? ` · ${parts.join(' · ')}` : '';
}
