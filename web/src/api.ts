// The dsp HTTP API: types and a small fetch wrapper.
// Every non-GET request carries X-DSP-Request: 1 (the server's CSRF guard);
// errors come back as {"error": "...", "field": "..."} and become ApiError.
// A 401 anywhere (except the login call itself) sends the user to the login page.

export type LabState =
  | 'stopped'
  | 'starting'
  | 'stopping'
  | 'running'
  | 'degraded'
  | 'incomplete'
  | 'unknown';

export interface Label {
  name: string;
  description?: string;
  color?: string;
}

export interface LabSummary {
  name: string;
  title: string;
  description: string;
  format: 'upstream' | 'native';
  labels: Label[] | null;
  state: LabState;
  valid: boolean;
  errors: string[] | null;
  /** the gist of the lab's last test or checks run; null when never tested */
  lastTest?: TestSummary | null;
}

/** A lab's last test or checks run, summed up for the catalogue. */
export interface TestSummary {
  mode: 'test' | 'checks';
  status: TestStatus;
  started: string;
  /** failed steps */
  failed: number;
}

export interface Repository {
  name: string;
  dir: string;
  personal: boolean;
  trusted: boolean;
}

export interface RepositoryWithLabs extends Repository {
  labs: LabSummary[] | null;
}

export interface LabList {
  home: string;
  repositories: RepositoryWithLabs[] | null;
}

export interface ServicePort {
  container: number;
  host: string | number;
  hostIP?: string;
  protocol?: string;
}

export interface ServiceNetwork {
  name: string;
  ip: string;
}

export interface ServiceDef {
  name: string;
  image: string;
  build?: string;
  networks: ServiceNetwork[] | null;
  ports: ServicePort[] | null;
  capAdd?: string[] | null;
  privileged?: boolean;
  shell?: boolean;
}

export interface NetworkDef {
  name: string;
  subnet: string;
  written?: string;
  color?: string;
}

export interface ActionArg {
  name: string;
  value: unknown;
  type?: string;
}

export interface ActionDef {
  service: string;
  priority: number;
  name: string;
  command?: string;
  args: ActionArg[] | null;
}

export interface ServiceStatus {
  name: string;
  container: string;
  containerId?: string;
  image: string;
  state: string;
  status?: string;
  health?: string;
  networks: ServiceNetwork[] | null;
  ports: ServicePort[] | null;
}

export interface NetworkStatus {
  name: string;
  dockerName?: string;
  id?: string;
  subnet: string;
}

export interface LabStatus {
  repo: string;
  lab: string;
  instance?: string;
  project?: string;
  state: LabState;
  operation?: string;
  services: ServiceStatus[] | null;
  networks: NetworkStatus[] | null;
}

export interface Risk {
  service: string;
  what: string;
}

export type CheckKind = 'command' | 'tcp' | 'http' | 'healthy';

/** A check of a running lab (x-dsp.checks). */
export interface CheckDef {
  name: string;
  service: string;
  kind: CheckKind;
  command?: string[] | null;
  target?: string;
  exitCode: number;
  status?: number;
  match?: string;
  /** tcp and http: passes when the service cannot connect */
  unreachable?: boolean;
  /** nanoseconds */
  timeout: number;
}

/** The lab's solution script (x-dsp.solve). */
export interface SolveDef {
  service: string;
  script?: string;
  command?: string[] | null;
  timeout: number;
}

export type TestStatus = 'passed' | 'failed' | 'skipped';

export interface TestStep {
  kind: string;
  name: string;
  status: TestStatus;
  durationMs: number;
  message?: string;
  output?: string;
}

/** The last test (mode "test") or checks run (mode "checks") of a lab. */
export interface TestReport {
  repo: string;
  lab: string;
  mode: 'test' | 'checks';
  instance: string;
  status: TestStatus;
  started: string;
  durationMs: number;
  steps: TestStep[] | null;
}

export interface FlagResult {
  correct: boolean;
  message: string;
}

export interface LabDetail {
  id: string;
  repo: string;
  name: string;
  title: string;
  description: string;
  goal: string;
  solution: string;
  readme: string;
  textFormat: 'html' | 'markdown';
  author: string;
  format?: 'upstream' | 'native';
  labels: Label[] | null;
  services: ServiceDef[] | null;
  networks: NetworkDef[] | null;
  actions: ActionDef[] | null;
  files: unknown[] | null;
  images: string[] | null;
  risks: Risk[] | null;
  trusted: boolean;
  valid: boolean;
  errors: string[] | null;
  state: LabState;
  status?: LabStatus | null;
  checks?: CheckDef[] | null;
  solve?: SolveDef | null;
  flag?: { prefix: string } | null;
  lastTest?: TestReport | null;
  /** not in the contract: accepted when the server says which operation runs */
  operation?: string | { id: string } | null;
}

export interface LabImage {
  name: string;
  services: string[] | null;
  build: boolean;
  present: boolean;
  size: number;
}

export interface LocalImage {
  id: string;
  tags: string[] | null;
  size: number;
  created: number;
  usedBy: string[] | null;
  neededBy: string[] | null;
}

export interface Settings {
  home: string;
  personalRepo: string;
  repositories: Repository[] | null;
  docker: { version: string; apiVersion: string } | null;
}

export type StepStatus = 'working' | 'done' | 'warning' | 'error' | 'info';

export interface ProgressEvent {
  time: string;
  step: string;
  target: string;
  status: StepStatus;
  message: string;
  percent?: number;
}

export type OperationState = 'running' | 'done' | 'failed';

export interface OperationStarted {
  operation: string;
  kind: string;
  lab: string;
}

export interface Operation {
  id: string;
  kind: string;
  lab: string;
  image?: string;
  state: OperationState;
  error?: string;
  events: ProgressEvent[] | null;
}

export class ApiError extends Error {
  status: number;
  field?: string;
  constructor(status: number, message: string, field?: string) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.field = field;
  }
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
    let message = `${res.status} ${res.statusText}`.trim();
    let field: string | undefined;
    try {
      const data = await res.json();
      if (data && typeof data.error === 'string' && data.error) message = data.error;
      if (data && typeof data.field === 'string' && data.field) field = data.field;
    } catch {
      // not JSON: keep the status line
    }
    if (res.status === 401 && path !== '/api/login') onUnauthorized();
    throw new ApiError(res.status, message, field);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const enc = encodeURIComponent;
export const labPath = (repo: string, lab: string) => `/api/labs/${enc(repo)}/${enc(lab)}`;

/** "repo/lab" → [repo, lab]; repository names never contain a slash. */
export function splitLabId(id: string): [string, string] {
  const i = id.indexOf('/');
  return i < 0 ? ['', id] : [id.slice(0, i), id.slice(i + 1)];
}

/** The UI route of a lab page. */
export const labHref = (repo: string, lab: string) => `#/lab/${enc(repo)}/${enc(lab)}`;
export const labHrefFromId = (id: string) => labHref(...splitLabId(id));

export const api = {
  login: (password: string) => request<void>('POST', '/api/login', { password }),
  logout: () => request<void>('POST', '/api/logout'),
  session: () => request<{ authenticated: boolean }>('GET', '/api/session'),
  labs: () => request<LabList>('GET', '/api/labs'),
  lab: (repo: string, lab: string) => request<LabDetail>('GET', labPath(repo, lab)),
  labImages: (repo: string, lab: string) =>
    request<{ images: LabImage[] | null }>('GET', `${labPath(repo, lab)}/images`),
  up: (repo: string, lab: string) => request<OperationStarted>('POST', `${labPath(repo, lab)}/up`),
  down: (repo: string, lab: string) => request<OperationStarted>('POST', `${labPath(repo, lab)}/down`),
  build: (repo: string, lab: string) => request<OperationStarted>('POST', `${labPath(repo, lab)}/build`),
  test: (repo: string, lab: string) => request<OperationStarted>('POST', `${labPath(repo, lab)}/test`),
  checks: (repo: string, lab: string) => request<OperationStarted>('POST', `${labPath(repo, lab)}/checks`),
  submitFlag: (repo: string, lab: string, flag: string) =>
    request<FlagResult>('POST', `${labPath(repo, lab)}/flag`, { flag }),
  operation: (id: string) => request<Operation>('GET', `/api/operations/${enc(id)}`),
  images: () => request<{ images: LocalImage[] | null }>('GET', '/api/images'),
  pull: (image: string) => request<OperationStarted>('POST', '/api/images/pull', { image }),
  removeImage: (ref: string) => request<void>('DELETE', `/api/images?ref=${enc(ref)}`),
  settings: () => request<Settings>('GET', '/api/settings'),
};

// ---- terminals and files ---------------------------------------------------

export const servicePath = (repo: string, lab: string, service: string) =>
  `${labPath(repo, lab)}/services/${enc(service)}`;

/** The websocket URL of a new terminal into a service (same origin: the session cookie goes along). */
export function terminalUrl(repo: string, lab: string, service: string, cols: number, rows: number): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}${servicePath(repo, lab, service)}/terminal?cols=${cols}&rows=${rows}`;
}

/** The error message of a refused request: the JSON {"error"} when there is one, else the status line. */
async function responseError(res: { status: number; statusText: string; text: () => Promise<string> }): Promise<ApiError> {
  let message = `${res.status} ${res.statusText}`.trim();
  try {
    const data = JSON.parse(await res.text());
    if (data && typeof data.error === 'string' && data.error) message = data.error;
  } catch {
    // not JSON: keep the status line
  }
  if (res.status === 401) onUnauthorized();
  return new ApiError(res.status, message);
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
export async function downloadFromService(
  repo: string,
  lab: string,
  service: string,
  path: string,
): Promise<{ blob: Blob; name: string }> {
  let res: Response;
  try {
    res = await fetch(`${servicePath(repo, lab, service)}/files?path=${enc(path)}`, { credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'dsp does not answer: is `dsp serve` still running?');
  }
  if (!res.ok) throw await responseError(res);
  const blob = await res.blob();
  return { blob, name: downloadName(res.headers.get('Content-Disposition'), path, res.headers.get('Content-Type')) };
}

export interface UploadResult {
  uploaded: number;
  path: string;
}

/**
 * Send files into a container folder: multipart/form-data, each file as the
 * field "file" named by its relative path (webkitRelativePath for a folder).
 * XMLHttpRequest rather than fetch for the upload progress.
 */
export function uploadToService(
  repo: string,
  lab: string,
  service: string,
  folder: string,
  files: File[],
  onProgress?: (sent: number, total: number) => void,
): Promise<UploadResult> {
  const form = new FormData();
  for (const f of files) form.append('file', f, f.webkitRelativePath || f.name);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `${servicePath(repo, lab, service)}/files?path=${enc(folder)}`);
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
