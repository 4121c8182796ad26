// The editor's working copy of a lab's model: the server's networks and
// services (EditorModel), each with a uid of the browser's own so that a node
// keeps its place and selection through renames, parses and undo; positions
// by uid; conversions from and to the server's model and layout; a simple
// deterministic auto-layout; and small helpers (command lines, risky
// capabilities, new names).
import type { EditorLayout, EditorModel, EditorNetwork, EditorService, LabStory, ModelProblem } from '../../api';

/** A network of the model with every field present. */
export type WorkNetwork = Required<EditorNetwork>;
export interface WorkAction {
  name: string;
  priority: number;
  /** argument values are YAML scalars: strings, numbers, booleans */
  args: Record<string, unknown>;
}
/** A service of the model with every field present (lists empty rather than null). */
export interface WorkService {
  id: string;
  name: string;
  image: string;
  command: string[] | null;
  entrypoint: string[] | null;
  ports: string[];
  environment: Record<string, string>;
  volumes: string[];
  capAdd: string[];
  privileged: boolean;
  dependsOn: string[];
  networks: { network: string; ipv4: string }[];
  /** null: as the file says (absent: a shell is allowed) */
  shell: boolean | null;
  actions: WorkAction[];
  files: { source: string; target: string; afterActions: boolean }[];
}
/** The story with its labels always a list. */
export type WorkStory = LabStory & { labels: string[] };

export interface NetItem extends WorkNetwork {
  uid: string;
}
export interface SvcItem extends WorkService {
  uid: string;
}
export interface Doc {
  networks: NetItem[];
  services: SvcItem[];
}
export interface XY {
  x: number;
  y: number;
}
export type Positions = Record<string, XY>;

export const EMPTY_DOC: Doc = { networks: [], services: [] };

let counter = 0;
export const newUid = (kind: 'n' | 's') => `${kind}${++counter}-${Math.random().toString(36).slice(2, 7)}`;

/** The xyflow node id of a network or service. */
export const netNodeId = (uid: string) => `net:${uid}`;
export const svcNodeId = (uid: string) => `svc:${uid}`;

function normService(s: EditorService): WorkService {
  return {
    id: s.id ?? '',
    name: s.name ?? s.id ?? '',
    image: s.image ?? '',
    command: s.command ?? null,
    entrypoint: s.entrypoint ?? null,
    ports: s.ports ?? [],
    environment: s.environment ?? {},
    volumes: s.volumes ?? [],
    capAdd: s.capAdd ?? [],
    privileged: !!s.privileged,
    dependsOn: s.dependsOn ?? [],
    networks: (s.networks ?? []).map((n) => ({ network: n.network, ipv4: n.ipv4 ?? '' })),
    shell: s.shell ?? null,
    actions: (s.actions ?? []).map((a) => ({ name: a.name ?? '', priority: a.priority ?? 0, args: a.args ?? {} })),
    files: (s.files ?? []).map((f) => ({ source: f.source ?? '', target: f.target ?? '', afterActions: !!f.afterActions })),
  };
}

function normNetwork(n: EditorNetwork): WorkNetwork {
  return { id: n.id ?? '', name: n.name ?? n.id ?? '', subnet: n.subnet ?? '', gateway: n.gateway ?? '', internal: !!n.internal };
}

/**
 * The server's model as a Doc, reusing the uids of `prev`: an entry keeps the
 * uid of the previous one with the same key, else (a rename in the text) of
 * the unmatched previous one at the same place in the list.
 */
export function fromModel(model: EditorModel, prev: Doc = EMPTY_DOC): Doc {
  function match<P extends { uid: string; id: string; name: string }, T extends { id: string; name: string }>(
    list: T[],
    old: P[],
    kind: 'n' | 's',
  ): (T & { uid: string })[] {
    const used = new Set<string>();
    const byKey = new Map(old.map((o) => [o.id || o.name, o]));
    const uids: (string | undefined)[] = list.map((item) => {
      const o = byKey.get(item.id || item.name) ?? old.find((x) => x.name === item.name);
      if (o && !used.has(o.uid)) {
        used.add(o.uid);
        return o.uid;
      }
      return undefined;
    });
    return list.map((item, i) => {
      let uid = uids[i];
      if (!uid) {
        const o = old[i];
        if (o && !used.has(o.uid) && !list.some((x) => (x.id || x.name) === (o.id || o.name))) {
          used.add(o.uid);
          uid = o.uid;
        }
      }
      return { ...item, uid: uid ?? newUid(kind) };
    });
  }
  return {
    networks: match((model.networks ?? []).map(normNetwork), prev.networks, 'n'),
    services: match((model.services ?? []).map(normService), prev.services, 's'),
  };
}

/** The Doc as the server's model (without the uids). */
export function toModel(doc: Doc): EditorModel {
  return {
    networks: doc.networks.map(({ uid: _uid, ...n }) => n),
    services: doc.services.map(({ uid: _uid, ...s }) => ({ ...s, actions: s.actions.map((a) => ({ ...a, args: a.args as Record<string, never> })) })),
  };
}

/** What compose takes as a service or network key. */
export const KEY_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

/**
 * After a render of `sent`: its entries are keyed by their names in the text
 * now — those whose new key the text holds (the answer's model, when it has
 * one, says which; else a well-formed name no other entry holds), the others
 * keep the key they had (a rename the server refused).
 */
export function rendered(doc: Doc, sent: Doc, answer?: EditorModel | null): Doc {
  function keys<T extends { uid: string; id: string; name: string }>(list: T[], got: { id: string }[] | null | undefined) {
    const m = new Map<string, string>();
    const inText = got ? new Set(got.map((x) => x.id)) : null;
    for (const x of list) {
      if (x.id === x.name) continue;
      const taken = list.some((o) => o.uid !== x.uid && (o.id === x.name || o.name === x.name));
      if (taken) continue;
      if (inText ? inText.has(x.name) : KEY_NAME.test(x.name)) m.set(x.uid, x.name);
    }
    return m;
  }
  const nets = keys(sent.networks, answer?.networks);
  const svcs = keys(sent.services, answer?.services);
  if (nets.size === 0 && svcs.size === 0) return doc;
  return {
    networks: doc.networks.map((n) => (nets.has(n.uid) ? { ...n, id: nets.get(n.uid)! } : n)),
    services: doc.services.map((s) => (svcs.has(s.uid) ? { ...s, id: svcs.get(s.uid)! } : s)),
  };
}

export function layoutKey(kind: 'service' | 'network', name: string) {
  return `${kind}:${name}`;
}

/** Positions by uid from a saved layout (by name); entries it lacks are left out. */
export function positionsFromLayout(doc: Doc, layout: EditorLayout | null | undefined): Positions {
  const nodes = layout?.nodes ?? {};
  const p: Positions = {};
  for (const n of doc.networks) {
    const at = nodes[layoutKey('network', n.name)];
    if (at && Number.isFinite(at.x) && Number.isFinite(at.y)) p[n.uid] = { x: at.x, y: at.y };
  }
  for (const s of doc.services) {
    const at = nodes[layoutKey('service', s.name)];
    if (at && Number.isFinite(at.x) && Number.isFinite(at.y)) p[s.uid] = { x: at.x, y: at.y };
  }
  return p;
}

/** The layout to save: positions by name. */
export function layoutOf(doc: Doc, positions: Positions): EditorLayout {
  const nodes: EditorLayout['nodes'] = {};
  for (const n of doc.networks) {
    const at = positions[n.uid];
    if (at) nodes[layoutKey('network', n.name)] = { x: Math.round(at.x), y: Math.round(at.y) };
  }
  for (const s of doc.services) {
    const at = positions[s.uid];
    if (at) nodes[layoutKey('service', s.name)] = { x: Math.round(at.x), y: Math.round(at.y) };
  }
  return { nodes };
}

const NET_GAP = 300;
const NET_Y = 240;
const SVC_W = 190;

/**
 * A deterministic layout: the networks in a row; a service on one network
 * above or below it (alternately), a service on several networks between
 * them, below the row; services on no network in a row at the bottom.
 */
export function autoLayout(doc: Doc): Positions {
  const p: Positions = {};
  const netX = new Map<string, number>();
  doc.networks.forEach((n, i) => {
    p[n.uid] = { x: i * NET_GAP, y: NET_Y };
    netX.set(n.name, i * NET_GAP);
  });
  const above = new Map<string, number>();
  const below = new Map<string, number>();
  let multi = 0;
  let loose = 0;
  for (const s of doc.services) {
    const nets = s.networks.map((a) => a.network).filter((n) => netX.has(n));
    if (nets.length === 0) {
      p[s.uid] = { x: loose++ * (SVC_W + 30), y: NET_Y + 420 };
    } else if (nets.length === 1) {
      const x = netX.get(nets[0])!;
      const a = above.get(nets[0]) ?? 0;
      const b = below.get(nets[0]) ?? 0;
      if (a <= b) {
        p[s.uid] = { x: x - 10, y: NET_Y - 120 - a * 95 };
        above.set(nets[0], a + 1);
      } else {
        p[s.uid] = { x: x - 10, y: NET_Y + 90 + b * 95 };
        below.set(nets[0], b + 1);
      }
    } else {
      const xs = nets.map((n) => netX.get(n)!);
      const x = (Math.min(...xs) + Math.max(...xs)) / 2;
      p[s.uid] = { x: x + 40, y: NET_Y + 170 + (multi++ % 3) * 95 };
    }
  }
  return p;
}

/** Positions for the entries that have none: where the auto-layout puts them, nudged off any occupied spot. */
export function placeMissing(doc: Doc, positions: Positions): Positions {
  const missing = [...doc.networks, ...doc.services].filter((x) => !positions[x.uid]);
  if (missing.length === 0) return positions;
  const auto = autoLayout(doc);
  const next = { ...positions };
  const taken = Object.values(positions);
  for (const m of missing) {
    let at = auto[m.uid] ?? { x: 0, y: 0 };
    for (let i = 0; i < 20 && taken.some((t) => Math.abs(t.x - at.x) < 120 && Math.abs(t.y - at.y) < 50); i++) {
      at = { x: at.x + 40, y: at.y + 60 };
    }
    next[m.uid] = at;
    taken.push(at);
  }
  return next;
}

/** A fresh name of the kind: net1, net2… / service1… (not already used). */
export function freshName(prefix: string, used: string[]): string {
  const taken = new Set(used);
  for (let i = 1; ; i++) if (!taken.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

export function newNetwork(doc: Doc): NetItem {
  return {
    uid: newUid('n'),
    id: '',
    name: freshName('net', doc.networks.map((n) => n.name)),
    subnet: '',
    gateway: '',
    internal: false,
  };
}

export function newService(doc: Doc): SvcItem {
  return {
    uid: newUid('s'),
    id: '',
    name: freshName('service', doc.services.map((s) => s.name)),
    image: '',
    command: null,
    entrypoint: null,
    ports: [],
    environment: {},
    volumes: [],
    capAdd: [],
    privileged: false,
    dependsOn: [],
    networks: [],
    shell: null,
    actions: [],
    files: [],
  };
}

/** Rename a network and every attachment to it. */
export function renameNetwork(doc: Doc, uid: string, name: string): Doc {
  const old = doc.networks.find((n) => n.uid === uid);
  if (!old) return doc;
  return {
    networks: doc.networks.map((n) => (n.uid === uid ? { ...n, name } : n)),
    services: doc.services.map((s) =>
      s.networks.some((a) => a.network === old.name)
        ? { ...s, networks: s.networks.map((a) => (a.network === old.name ? { ...a, network: name } : a)) }
        : s,
    ),
  };
}

/** Rename a service and every depends_on naming it. */
export function renameService(doc: Doc, uid: string, name: string): Doc {
  const old = doc.services.find((s) => s.uid === uid);
  if (!old) return doc;
  return {
    networks: doc.networks,
    services: doc.services.map((s) => {
      const renamed = s.uid === uid ? { ...s, name } : s;
      return renamed.dependsOn.includes(old.name)
        ? { ...renamed, dependsOn: renamed.dependsOn.map((d) => (d === old.name ? name : d)) }
        : renamed;
    }),
  };
}

export function removeNetworks(doc: Doc, uids: Set<string>): Doc {
  const names = new Set(doc.networks.filter((n) => uids.has(n.uid)).map((n) => n.name));
  return {
    networks: doc.networks.filter((n) => !uids.has(n.uid)),
    services: doc.services.map((s) =>
      s.networks.some((a) => names.has(a.network)) ? { ...s, networks: s.networks.filter((a) => !names.has(a.network)) } : s,
    ),
  };
}

export function removeServices(doc: Doc, uids: Set<string>): Doc {
  const names = new Set(doc.services.filter((s) => uids.has(s.uid)).map((s) => s.name));
  return {
    networks: doc.networks,
    services: doc.services
      .filter((s) => !uids.has(s.uid))
      .map((s) => (s.dependsOn.some((d) => names.has(d)) ? { ...s, dependsOn: s.dependsOn.filter((d) => !names.has(d)) } : s)),
  };
}

export function attach(doc: Doc, svcUid: string, network: string): Doc {
  return {
    ...doc,
    services: doc.services.map((s) =>
      s.uid === svcUid && !s.networks.some((a) => a.network === network) ? { ...s, networks: [...s.networks, { network, ipv4: '' }] } : s,
    ),
  };
}

export function detach(doc: Doc, svcUid: string, network: string): Doc {
  return {
    ...doc,
    services: doc.services.map((s) => (s.uid === svcUid ? { ...s, networks: s.networks.filter((a) => a.network !== network) } : s)),
  };
}

// ---- command lines -----------------------------------------------------------

/** A command line as compose's list form: words split on blanks, '…' and "…" quote. */
export function splitCommand(line: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let quote: '"' | "'" | '' = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = '';
      else if (c === '\\' && quote === '"' && i + 1 < line.length) cur += line[++i];
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      has = true;
    } else if (/\s/.test(c)) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      has = true;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has || cur) out.push(cur);
  return out.length ? out : null;
}

/** The list form as one line (words with blanks or quotes quoted). */
export function joinCommand(words: string[] | null): string {
  return (words ?? []).map((w) => (w === '' || /[\s'"\\]/.test(w) ? `'${w.replace(/'/g, `'"'"'`)}'` : w)).join(' ');
}

// ---- risks -----------------------------------------------------------------

/** Docker's default capabilities and NET_ADMIN: what the policy lets any lab ask for (internal/policy). */
const HARMLESS_CAPS = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
  'NET_ADMIN',
]);

export const capName = (c: string) => c.trim().toUpperCase().replace(/^CAP_/, '');

/** What makes a service risky: privileged mode and capabilities beyond Docker's default set and NET_ADMIN. */
export function serviceRisks(s: Pick<WorkService, 'privileged' | 'capAdd'>): string[] {
  const r: string[] = [];
  if (s.privileged) r.push('privileged');
  for (const c of s.capAdd) if (c.trim() && !HARMLESS_CAPS.has(capName(c))) r.push(capName(c));
  return r;
}

// ---- problems --------------------------------------------------------------

/** Whether a problem's field is about the entry at `prefix` ("services.web", "networks.lan"). */
export function fieldUnder(field: string | undefined, prefix: string): boolean {
  if (!field) return false;
  return field === prefix || field.startsWith(`${prefix}.`) || field.startsWith(`${prefix}[`) || field.startsWith(`${prefix}:`);
}

export function problemsFor(problems: ModelProblem[], prefix: string): ModelProblem[] {
  return problems.filter((p) => fieldUnder(p.field, prefix));
}
