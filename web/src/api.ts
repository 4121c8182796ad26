// The dsp HTTP API: types and a small fetch wrapper.
// The types are aliases of the ones generated from the OpenAPI document
// (internal/server/openapi.json → src/generated/openapi.d.ts, `npm run
// gen:types`), so the UI cannot use a field the document does not describe.
// Every non-GET request carries X-DSP-Request: 1 (the server's CSRF guard);
// errors come back as {"error": "...", "field": "..."} and become ApiError
// (its kind from the status: 403 forbidden, 409 conflict, 503 the Docker
// Engine unreachable…; an answer without a message gets one for its status).
// A 401 anywhere (except the login call itself) sends the user to the login page.
import type { components, operations } from './generated/openapi';

type Schemas = components['schemas'];

/** The JSON body a documented operation answers with a status code. */
type Answer<Op extends keyof operations, Code extends keyof operations[Op]['responses']> =
  operations[Op]['responses'][Code] extends { content: { 'application/json': infer T } } ? T : never;

export type LabState = Schemas['LabState'];
export type EngineState = Schemas['EngineState'];
export type Label = Schemas['Label'];
export type LabSummary = Schemas['CatalogueLab'];
/** A lab's last test or checks run, summed up for the catalogue. */
export type TestSummary = Schemas['TestSummary'];
export type Repository = Schemas['Repository'];
export type RepositoryWithLabs = Schemas['CatalogueRepo'];
export type LabList = Schemas['Catalogue'];
/** A published port as the lab defines it. */
export type ServicePort = Schemas['Port'];
/** A published port of a running container. */
export type PublishedPort = Schemas['PublishedPort'];
export type ServiceNetwork = Schemas['ServiceNetwork'];
export type ServiceDef = Schemas['Service'];
/** A service that is a virtual machine (x-dsp.vm): its kernel or disk, memory, CPUs, console. */
export type VMDef = Schemas['VM'];
export type NetworkDef = Schemas['Network'];
export type ActionArg = Schemas['ActionArg'];
export type ActionDef = Schemas['Action'];
export type ServiceStatus = Schemas['ServiceStatus'];
export type NetworkStatus = Schemas['NetworkStatus'];
export type LabStatus = Schemas['Status'];
export type Risk = Schemas['Risk'];
/** What bounds one container (memory in bytes, CPUs, processes); absent or 0: no limit. */
export type Limits = Schemas['Limits'];
/** A check of a running lab (x-dsp.checks). */
export type CheckDef = Schemas['Check'];
export type CheckKind = CheckDef['kind'];
/** The lab's solution script (x-dsp.solve). */
export type SolveDef = Schemas['Solve'];
export type TestStatus = Schemas['TestStatus'];
export type TestStep = Schemas['Step'];
/** The last test (mode "test") or checks run (mode "checks") of a lab. */
export type TestReport = Schemas['Report'];
export type FlagResult = Schemas['FlagResult'];
export type LabDetail = Schemas['Details'];
/** A running (not stopped) instance of a lab and its state. */
export type LabInstance = Schemas['LabInstance'];
export type LabImage = Schemas['LabImage'];
export type LocalImage = Schemas['Image'];
export type Settings = Schemas['Settings'];
/** One line of an operation's progress. */
export type ProgressEvent = Schemas['Event'];
export type StepStatus = ProgressEvent['status'];
export type Operation = Schemas['Operation'];
export type OperationKind = Schemas['OperationKind'];
export type OperationState = Operation['state'];
export type OperationStarted = Schemas['OperationAccepted'];
export type LabOperationStarted = Schemas['LabOperationAccepted'];
export type UploadResult = Schemas['UploadResult'];
/** Data of the server-sent events (events.ts). */
export type StateEvent = Schemas['StateEvent'];
export type ProgressMessage = Schemas['ProgressEvent'];
export type OperationMessage = Schemas['OperationEvent'];
/** A lab repository of the main directory, with its git checkout. */
export type RepoInfo = Schemas['RepoInfo'];
export type GitInfo = Schemas['GitInfo'];
export type Suggestion = Schemas['Suggestion'];
export type AddRepoRequest = Schemas['AddRepoRequest'];
export type PublishRequest = Schemas['PublishRequest'];
/** An SSH server's host key that dsp does not know yet (or that changed). */
export type HostKey = Schemas['HostKey'];
export type RepoOperationStarted = Schemas['RepoOperationAccepted'];
export type UpdateRepoRequest = Schemas['UpdateRepoRequest'];
/** Data of the `repos` event: a repository was added, updated, published or removed. */
export type RepoEvent = Schemas['RepoEvent'];

// ---- instances -------------------------------------------------------------

/** The instance of a user who never names one. */
export const DEFAULT_INSTANCE = 'default';
/** The instance a "Test lab" run starts and removes. */
export const TEST_INSTANCE = 'test';
/** The shape of an instance name (openapi.json's InstanceName). */
export const INSTANCE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** Why a name cannot be an instance name, or '' when it can. */
export function instanceNameProblem(name: string): string {
  if (name === '') return 'Give the new instance a name.';
  if (name.length > 32) return 'At most 32 characters.';
  if (!INSTANCE_NAME.test(name)) return 'Lower-case letters, digits and “-” only, starting with a letter or digit.';
  return '';
}

/** The instance named in an answer or event, for servers that name none: the default one. */
export function instanceOf(x: { instance?: string | null }): string {
  return x.instance || DEFAULT_INSTANCE;
}

/** What kind of refusal an error is, from its HTTP status (0: no answer at all). */
export type ErrorKind =
  | 'offline'
  | 'bad-request'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'rate-limited'
  | 'unavailable'
  | 'server';

export function errorKindOf(status: number): ErrorKind {
  switch (status) {
    case 0:
      return 'offline';
    case 400:
    case 422:
      return 'bad-request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 409:
      return 'conflict';
    case 429:
      return 'rate-limited';
    case 503:
      return 'unavailable';
    default:
      return 'server';
  }
}

/** What a status means when the answer carries no message of its own (not JSON: a proxy, say). */
const STATUS_MEANING: Partial<Record<ErrorKind, string>> = {
  'bad-request': 'the request was not accepted',
  unauthorized: 'log in first',
  forbidden: 'refused: the lab or the policy forbids it',
  'not-found': 'not found',
  conflict: 'busy, or not in the state this needs: try again in a moment',
  'rate-limited': 'too many attempts: wait a minute',
  unavailable: 'the Docker Engine cannot be reached: is it running?',
  server: 'dsp failed: see its output',
};

export class ApiError extends Error {
  status: number;
  field?: string;
  /** an SSH host key to accept (409, changed: false) or that changed (403, changed: true) */
  hostKey?: HostKey;
  constructor(status: number, message: string, field?: string, hostKey?: HostKey) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.field = field;
    this.hostKey = hostKey;
  }
  get kind(): ErrorKind {
    return errorKindOf(this.status);
  }
}

/** The host key of an error body, when it has a well-formed one. */
function hostKeyOf(v: unknown): HostKey | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const k = v as Record<string, unknown>;
  if (typeof k.host !== 'string' || typeof k.fingerprint !== 'string' || typeof k.changed !== 'boolean') return undefined;
  return { host: k.host, fingerprint: k.fingerprint, changed: k.changed };
}

/** The error of a refused answer: its JSON {"error", "field", "hostKey"} when it has one, else the status line and what it means. */
function refusal(status: number, statusText: string, body: string): ApiError {
  let message = '';
  let field: string | undefined;
  let hostKey: HostKey | undefined;
  try {
    const data = JSON.parse(body);
    if (data && typeof data.error === 'string' && data.error.trim()) message = data.error.trim();
    if (data && typeof data.field === 'string' && data.field) field = data.field;
    hostKey = hostKeyOf(data?.hostKey);
  } catch {
    // not JSON: the status says it
  }
  if (!message) {
    const line = `${status} ${statusText}`.trim();
    const meaning = STATUS_MEANING[errorKindOf(status)];
    message = meaning ? `${meaning} (${line})` : line;
  }
  return new ApiError(status, message, field, hostKey);
}

/** Called on any 401 outside the login call; main.tsx sets it. */
let onUnauthorized: () => void = () => {};
export function setUnauthorizedHandler(f: () => void): void {
  onUnauthorized = f;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-DSP-Request'] = '1';
  const init: RequestInit = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res: Response;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError(0, 'dsp does not answer: is `dsp serve` still running?');
  }
  if (!res.ok) {
    const body = await res.text().catch(() => '');
    if (res.status === 401 && path !== '/api/login') onUnauthorized();
    throw refusal(res.status, res.statusText, body);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const enc = encodeURIComponent;
export const labPath = (repo: string, lab: string) => `/api/labs/${enc(repo)}/${enc(lab)}`;

/** `?instance=NAME` for another instance than the default one (whose requests name none). */
export function instanceQuery(instance: string | undefined, sep: '?' | '&' = '?'): string {
  return instance && instance !== DEFAULT_INSTANCE ? `${sep}instance=${enc(instance)}` : '';
}

/** "repo/lab" → [repo, lab]; repository names never contain a slash. */
export function splitLabId(id: string): [string, string] {
  const i = id.indexOf('/');
  return i < 0 ? ['', id] : [id.slice(0, i), id.slice(i + 1)];
}

/** The UI route of a lab page (of one of its instances: the default one needs no query). */
export const labHref = (repo: string, lab: string, instance?: string) =>
  `#/lab/${enc(repo)}/${enc(lab)}${instanceQuery(instance)}`;
export const labHrefFromId = (id: string) => labHref(...splitLabId(id));

type LabAction = 'up' | 'down' | 'build' | 'checks';
const labOperation = (repo: string, lab: string, action: LabAction, instance?: string, extra = '') => {
  const query = action === 'build' ? '' : instanceQuery(instance);
  const more = extra ? `${query ? '&' : '?'}${extra}` : '';
  return request<LabOperationStarted>('POST', `${labPath(repo, lab)}/${action}${query}${more}`);
};

/** How a lab starts: `withoutRisks` strips every risk (privileged mode, capabilities…), which needs no trust. */
export interface StartOptions {
  withoutRisks?: boolean;
}

export const repoPath = (repo: string) => `/api/repos/${enc(repo)}`;

/** The UI route of the catalogue, showing one repository's labs when named. */
export const catalogueHref = (repo?: string) => (repo ? `#/?repo=${enc(repo)}` : '#/');

/** A lab's details as the lab page uses them. */
export interface LabView extends LabDetail {
  /** false for a dsp from before instances, which answers for the default instance whatever is asked */
  instancesKnown: boolean;
}

/** Lab details, with the fields that servers from before instances leave out filled in. */
async function labDetails(repo: string, lab: string, instance?: string): Promise<LabView> {
  const d = await request<Answer<'getLab', 200>>('GET', `${labPath(repo, lab)}${instanceQuery(instance)}`);
  const known = Array.isArray(d.instances) && typeof d.instance === 'string';
  return { ...d, instance: d.instance || DEFAULT_INSTANCE, instances: d.instances ?? [], instancesKnown: known };
}

export const api = {
  login: (password: string) => request<void>('POST', '/api/login', { password }),
  logout: () => request<void>('POST', '/api/logout'),
  session: () => request<Answer<'session', 200>>('GET', '/api/session'),
  labs: () => request<Answer<'listLabs', 200>>('GET', '/api/labs'),
  lab: labDetails,
  labInstances: (repo: string, lab: string) =>
    request<Answer<'listLabInstances', 200>>('GET', `${labPath(repo, lab)}/instances`),
  labImages: (repo: string, lab: string) => request<Answer<'getLabImages', 200>>('GET', `${labPath(repo, lab)}/images`),
  up: (repo: string, lab: string, instance?: string, opts?: StartOptions) =>
    labOperation(repo, lab, 'up', instance, opts?.withoutRisks ? 'withoutRisks=true' : ''),
  down: (repo: string, lab: string, instance?: string) => labOperation(repo, lab, 'down', instance),
  build: (repo: string, lab: string) => labOperation(repo, lab, 'build'),
  /** always on the lab's own instance "test" */
  test: (repo: string, lab: string) => request<LabOperationStarted>('POST', `${labPath(repo, lab)}/test`),
  checks: (repo: string, lab: string, instance?: string) => labOperation(repo, lab, 'checks', instance),
  submitFlag: (repo: string, lab: string, flag: string, instance?: string) =>
    request<Answer<'submitFlag', 200>>('POST', `${labPath(repo, lab)}/flag${instanceQuery(instance)}`, { flag }),
  operation: (id: string) => request<Answer<'getOperation', 200>>('GET', `/api/operations/${enc(id)}`),
  images: () => request<Answer<'listImages', 200>>('GET', '/api/images'),
  pull: (image: string) => request<Answer<'pullImage', 202>>('POST', '/api/images/pull', { image }),
  removeImage: (ref: string) => request<void>('DELETE', `/api/images?ref=${enc(ref)}`),
  settings: () => request<Answer<'getSettings', 200>>('GET', '/api/settings'),
  /** Offer the lab's ports to the network (or keep them on 127.0.0.1) from its next start on; answers what holds now. */
  setExposure: (repo: string, lab: string, exposed: boolean) =>
    request<Answer<'setLabExposure', 200>>('PUT', `${labPath(repo, lab)}/exposure`, { exposed }),

  // ---- repositories (tokens go in request bodies only, never in a URL)
  repos: () => request<Answer<'listRepos', 200>>('GET', '/api/repos'),
  repoSuggestions: () => request<Answer<'repoSuggestions', 200>>('GET', '/api/repos/suggestions'),
  /** Clone a repository (202); a 409 or 403 may carry the SSH server's `hostKey` (ApiError.hostKey). */
  addRepo: (req: AddRepoRequest) => request<Answer<'addRepo', 202>>('POST', '/api/repos', req),
  /** `{}` for a plain update; a 409 or 403 may carry the SSH server's `hostKey` as with addRepo. */
  updateRepo: (repo: string, req: UpdateRepoRequest = {}) => request<Answer<'updateRepo', 202>>('POST', `${repoPath(repo)}/update`, req),
  removeRepo: (repo: string) => request<void>('DELETE', repoPath(repo)),
  setRepoTrust: (repo: string, trusted: boolean) =>
    request<Answer<'setRepoTrust', 200>>('PUT', `${repoPath(repo)}/trust`, { trusted }),
  setRepoCredentials: (repo: string, token: string, username?: string) =>
    request<void>('PUT', `${repoPath(repo)}/credentials`, username ? { username, token } : { token }),
  forgetRepoCredentials: (repo: string) => request<void>('DELETE', `${repoPath(repo)}/credentials`),
  publishRepo: (repo: string, req: PublishRequest) => request<Answer<'publishRepo', 202>>('POST', `${repoPath(repo)}/publish`, req),
};

// ---- terminals and files ---------------------------------------------------

export const servicePath = (repo: string, lab: string, service: string) =>
  `${labPath(repo, lab)}/services/${enc(service)}`;

/** Where a service of a lab instance is: what the terminal and file calls need. */
export interface ServiceRef {
  repo: string;
  lab: string;
  /** the lab instance; undefined or "default" for the default one */
  instance?: string;
  service: string;
}

/** The path of a service's route (terminal, files), with `instance=` for another instance than the default one. */
function serviceRoute(s: ServiceRef, route: 'terminal' | 'files', query: string): string {
  return `${servicePath(s.repo, s.lab, s.service)}/${route}?${query}${instanceQuery(s.instance, '&')}`;
}

/** The websocket URL of a VM's screen (VNC over a websocket, subprotocol `binary`; same origin: the session cookie goes along). */
export function screenUrl(s: ServiceRef): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${servicePath(s.repo, s.lab, s.service)}/screen${instanceQuery(s.instance)}`;
}

/**
 * Why a VM's screen could not be opened: a websocket refused before the
 * upgrade tells the page nothing, so the same address is asked once more
 * with a plain GET, whose JSON error (409 the VM is not running or has no
 * screen, 403, 404…) says why. null when the server would have accepted it
 * (it answers a plain GET with 426: a WebSocket is needed).
 */
export async function screenRefusal(s: ServiceRef): Promise<ApiError | null> {
  let res: Response;
  try {
    res = await fetch(`${servicePath(s.repo, s.lab, s.service)}/screen${instanceQuery(s.instance)}`, { credentials: 'same-origin' });
  } catch {
    return new ApiError(0, 'dsp did not answer: is it running?');
  }
  // 426: the screen would have been had over a WebSocket
  if (res.ok || res.status === 426) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  const type = res.headers.get('Content-Type') ?? '';
  if (!type.includes('application/json')) {
    await res.body?.cancel().catch(() => {});
    return null;
  }
  return responseError(res);
}

/** The websocket URL of a new terminal into a service (same origin: the session cookie goes along). */
export function terminalUrl(s: ServiceRef, cols: number, rows: number): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${serviceRoute(s, 'terminal', `cols=${cols}&rows=${rows}`)}`;
}

/** The error of a refused request (terminal, files): see refusal(). */
async function responseError(res: { status: number; statusText: string; text: () => Promise<string> }): Promise<ApiError> {
  const body = await res.text().catch(() => '');
  if (res.status === 401) onUnauthorized();
  return refusal(res.status, res.statusText, body);
}

/** The file name of a download: Content-Disposition's filename* or filename, else the path's last part. */
export function downloadName(disposition: string | null, path: string, contentType: string | null): string {
  if (disposition) {
    const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(disposition);
    if (star) {
      try {
        return decodeURIComponent(star[1].trim());
      } catch {
        // malformed: try the plain one
      }
    }
    const plain = /filename\s*=\s*"((?:[^"\\]|\\.)*)"|filename\s*=\s*([^;]+)/.exec(disposition);
    if (plain) return (plain[1] ?? plain[2] ?? '').replace(/\\(.)/g, '$1').trim() || 'download';
  }
  const base = path.replace(/\/+$/, '').split('/').pop() || 'download';
  return contentType && /x-tar/.test(contentType) && !base.endsWith('.tar') ? `${base}.tar` : base;
}

/** Fetch a file (or a folder, as a .tar) out of a container; errors become ApiError with the server's message. */
export async function downloadFromService(s: ServiceRef, path: string): Promise<{ blob: Blob; name: string }> {
  let res: Response;
  try {
    res = await fetch(serviceRoute(s, 'files', `path=${enc(path)}`), { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'dsp does not answer: is `dsp serve` still running?');
  }
  if (!res.ok) throw await responseError(res);
  const blob = await res.blob();
  return { blob, name: downloadName(res.headers.get('Content-Disposition'), path, res.headers.get('Content-Type')) };
}

/**
 * Send files into a container folder: multipart/form-data, each file as the
 * field "file" named by its relative path (webkitRelativePath for a folder).
 * XMLHttpRequest rather than fetch for the upload progress.
 */
export function uploadToService(
  s: ServiceRef,
  folder: string,
  files: File[],
  onProgress?: (sent: number, total: number) => void,
): Promise<UploadResult> {
  const form = new FormData();
  for (const f of files) form.append('file', f, f.webkitRelativePath || f.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', serviceRoute(s, 'files', `path=${enc(folder)}`));
    xhr.setRequestHeader('X-DSP-Request', '1');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.withCredentials = true;
    if (onProgress) xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : 0);
    xhr.onerror = () => reject(new ApiError(0, 'the upload failed: dsp does not answer (is `dsp serve` still running?)'));
    xhr.onabort = () => reject(new ApiError(0, 'the upload was cancelled'));
    xhr.onload = () => {
      const res = { status: xhr.status, statusText: xhr.statusText, text: async () => xhr.responseText };
      if (xhr.status < 200 || xhr.status >= 300) {
        responseError(res).then(reject);
        return;
      }
      try {
        resolve(JSON.parse(xhr.responseText) as UploadResult);
      } catch {
        resolve({ uploaded: files.length, path: folder });
      }
    };
    xhr.send(form);
  });
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

// ---- lab management and the lab editor ---------------------------------------

/** The editor's model of a compose file (internal/labedit): what the graph shows and edits. */
export type EditorModel = Schemas['LabModel'];
export type EditorNetwork = Schemas['ModelNetwork'];
export type EditorService = Schemas['ModelService'];
export type EditorAttachment = Schemas['ModelAttachment'];
export type EditorAction = Schemas['ModelAction'];
export type EditorFile = Schemas['ModelFile'];
export type LabStory = Schemas['Story'];
/** Node positions by `service:NAME` / `network:NAME`, saved beside the lab (not in its compose file). */
export type EditorLayout = Schemas['Layout'];
/** A problem of the lab loader (what `dsp lab validate` says). */
export type LabProblem = Schemas['Problem'];
/** A problem of the editor's model: overlapping subnets, duplicate addresses, bad names… */
export type ModelProblem = Schemas['EditorProblem'];
export type SyntaxError = Schemas['SyntaxProblem'];
export type LabSource = Answer<'getLabSource', 200>;
export type RenderResult = Answer<'renderLabSource', 200>;
export type ParseResult = Answer<'parseLabSource', 200>;
export type SaveResult = Answer<'saveLabSource', 200>;
export type ApplyPlan = Answer<'planApply', 200>;
/** What the lab management calls answer: the new (or renamed, copied, imported) lab's details. */
export type CreatedLab = LabDetail;

/** The UI route of a lab's editor. */
export const editHref = (repo: string, lab: string) => `#/edit/${enc(repo)}/${enc(lab)}`;

/** Send a lab (a compose file, a .zip or a .tar.gz of a lab folder) to the personal repository. */
async function importLab(file: File, name?: string): Promise<CreatedLab> {
  const form = new FormData();
  form.append('file', file, file.name);
  if (name) form.append('name', name);
  let res: Response;
  try {
    res = await fetch('/api/labs/import', {
      method: 'POST',
      headers: { Accept: 'application/json', 'X-DSP-Request': '1' },
      credentials: 'same-origin',
      body: form,
    });
  } catch {
    throw new ApiError(0, 'dsp does not answer: is `dsp serve` still running?');
  }
  if (!res.ok) throw await responseError(res);
  return (await res.json()) as Answer<'importLab', 201>;
}

/** Download a lab folder as an archive (GET …/export). */
async function exportLab(repo: string, lab: string): Promise<{ blob: Blob; name: string }> {
  let res: Response;
  try {
    res = await fetch(`${labPath(repo, lab)}/export`, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'dsp does not answer: is `dsp serve` still running?');
  }
  if (!res.ok) throw await responseError(res);
  const blob = await res.blob();
  return { blob, name: downloadName(res.headers.get('Content-Disposition'), `${lab}.tar.gz`, null) };
}

export const labApi = {
  create: (name: string) => request<Answer<'createLab', 201>>('POST', '/api/labs', { name }),
  import: importLab,
  copy: (repo: string, lab: string, name: string) => request<Answer<'copyLab', 201>>('POST', `${labPath(repo, lab)}/copy`, { name }),
  rename: (repo: string, lab: string, name: string) => request<Answer<'renameLab', 200>>('POST', `${labPath(repo, lab)}/rename`, { name }),
  remove: (repo: string, lab: string) => request<void>('DELETE', labPath(repo, lab)),
  export: exportLab,
  source: (repo: string, lab: string) => request<LabSource>('GET', `${labPath(repo, lab)}/source`),
  render: (repo: string, lab: string, compose: string, model: EditorModel) =>
    request<RenderResult>('POST', `${labPath(repo, lab)}/source/render`, { compose, model }),
  parse: (repo: string, lab: string, compose: string) => request<ParseResult>('POST', `${labPath(repo, lab)}/source/parse`, { compose }),
  freeAddress: (repo: string, lab: string, model: EditorModel, network: string) =>
    request<Answer<'freeAddress', 200>>('POST', `${labPath(repo, lab)}/source/free-address`, { model, network }),
  save: (repo: string, lab: string, compose: string, story: LabStory, layout: EditorLayout) =>
    request<SaveResult>('PUT', `${labPath(repo, lab)}/source`, { compose, story, layout }),
  plan: (repo: string, lab: string) => request<ApplyPlan>('GET', `${labPath(repo, lab)}/plan`),
  apply: (repo: string, lab: string) => request<Answer<'applyLab', 202>>('POST', `${labPath(repo, lab)}/apply`),
};

/** Save a blob under a name (an <a download> clicked). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- attack and observe: toolboxes, one-shot tools, packet captures, links --

/** A toolbox attached to a running instance: reached by its name like a service (terminal, files). */
export type Toolbox = Schemas['Toolbox'];
export type ToolboxRequest = Schemas['ToolboxRequest'];
export type ToolboxNetwork = Schemas['ToolboxNetwork'];
export type ToolboxImage = Schemas['ToolboxImage'];
/** A one-shot tool of the catalogue (nmap, curl…). */
export type Tool = Schemas['Tool'];
export type ToolRequest = Schemas['ToolRequest'];
/** A lab interface of a running container and its impairment. */
export type Link = Schemas['Link'];
export type LinkShape = Schemas['LinkShape'];
export type LinkRequest = Schemas['LinkRequest'];
/** A packet capture, running or ended. */
export type Capture = Schemas['Capture'];
export type CaptureRequest = Schemas['CaptureRequest'];
/** A packet of a capture's live stream. */
export type CapturePacket = Schemas['CapturePacket'];
/** A capture's counters in its live stream. */
export type CaptureStats = Schemas['CaptureStats'];

const capturePath = (id: string) => `/api/captures/${enc(id)}`;
/** The pcapng file of a capture (Content-Disposition names it): a plain link downloads it. */
export const captureFileUrl = (id: string) => `${capturePath(id)}/file`;
/** The live stream of a running capture (server-sent events: packets, stats, end). */
export const captureLiveUrl = (id: string) => `${capturePath(id)}/live`;

export const observeApi = {
  toolboxes: (repo: string, lab: string, instance?: string) =>
    request<Answer<'listToolboxes', 200>>('GET', `${labPath(repo, lab)}/toolboxes${instanceQuery(instance)}`),
  toolboxImages: () => request<Answer<'listToolboxImages', 200>>('GET', '/api/toolbox-images'),
  /** Offer a local image as a toolbox (registered: false forgets it); answers the list as it is now. */
  registerToolboxImage: (image: string, registered: boolean) =>
    request<Answer<'registerToolboxImage', 200>>('PUT', '/api/toolbox-images', { image, registered }),
  /** Build dsp's toolbox image (202, an operation: `progress` events of step build); 409 when its base image is missing. */
  buildToolboxImage: () => request<Answer<'buildToolboxImage', 202>>('POST', '/api/toolbox-images/build'),
  attachToolbox: (repo: string, lab: string, instance: string | undefined, req: ToolboxRequest) =>
    request<Answer<'attachToolbox', 201>>('POST', `${labPath(repo, lab)}/toolboxes${instanceQuery(instance)}`, req),
  detachToolbox: (repo: string, lab: string, instance: string | undefined, name: string) =>
    request<void>('DELETE', `${labPath(repo, lab)}/toolboxes/${enc(name)}${instanceQuery(instance)}`),

  tools: () => request<Answer<'listTools', 200>>('GET', '/api/tools'),
  runTool: (repo: string, lab: string, instance: string | undefined, req: ToolRequest) =>
    request<Answer<'runTool', 202>>('POST', `${labPath(repo, lab)}/tools${instanceQuery(instance)}`, req),
  cancelOperation: (id: string) => request<Answer<'cancelOperation', 200>>('POST', `/api/operations/${enc(id)}/cancel`),

  links: (repo: string, lab: string, instance?: string) =>
    request<Answer<'listLinks', 200>>('GET', `${labPath(repo, lab)}/links${instanceQuery(instance)}`),
  setLink: (repo: string, lab: string, instance: string | undefined, service: string, req: LinkRequest) =>
    request<Answer<'setLink', 200>>('PUT', `${labPath(repo, lab)}/links/${enc(service)}${instanceQuery(instance)}`, req),
  clearLink: (repo: string, lab: string, instance: string | undefined, service: string, network: string) =>
    request<Answer<'clearLink', 200>>(
      'DELETE',
      `${labPath(repo, lab)}/links/${enc(service)}?network=${enc(network)}${instanceQuery(instance, '&')}`,
    ),

  captures: (repo: string, lab: string, instance?: string) =>
    request<Answer<'listLabCaptures', 200>>('GET', `${labPath(repo, lab)}/captures${instanceQuery(instance)}`),
  startCapture: (repo: string, lab: string, instance: string | undefined, req: CaptureRequest) =>
    request<Answer<'startCapture', 201>>('POST', `${labPath(repo, lab)}/captures${instanceQuery(instance)}`, req),
  capture: (id: string) => request<Answer<'getCapture', 200>>('GET', capturePath(id)),
  stopCapture: (id: string) => request<Answer<'stopCapture', 200>>('POST', `${capturePath(id)}/stop`),
  deleteCapture: (id: string) => request<void>('DELETE', capturePath(id)),
};
