// The harness of the browser tests: the real `dsp serve` on a fresh main
// directory and a free port, Debian's Chromium driven by playwright-core (no
// browser is ever downloaded), helpers to log in, take screenshots and stop
// the example lab whatever happens.
//
//   DSP_BIN          the dsp binary (default: ../bin/dsp from web/)
//   DSP_SCREENSHOTS  where the PNGs go (default: web/test-results/screenshots)
//   CHROMIUM         the browser (default: /usr/bin/chromium)
//   CI=true          a missing browser or binary fails the test instead of skipping it
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const WEB = path.resolve(import.meta.dirname, '..');
export const DSP_BIN = process.env.DSP_BIN ? path.resolve(process.env.DSP_BIN) : path.resolve(WEB, '../bin/dsp');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const SHOTS = process.env.DSP_SCREENSHOTS
  ? path.resolve(process.env.DSP_SCREENSHOTS)
  : path.join(WEB, 'test-results', 'screenshots');
export const CI = process.env.CI === 'true';
export const LAB = { repo: 'examples', name: 'hello-flag', title: 'Hello Flag' };
export const LAB_API = `/api/labs/${encodeURIComponent(LAB.repo)}/${encodeURIComponent(LAB.name)}`;

function executable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const missing = [];
if (!executable(CHROMIUM)) missing.push(`Chromium (${CHROMIUM}): apt-get install -y chromium`);
if (!executable(DSP_BIN)) missing.push(`the dsp binary (${DSP_BIN}): make build`);

/** The running server: process, base URL, home. */
export const server = { proc: null, base: '', home: '', output: '' };
/** The browser: a persistent Chromium context, set by setup(). */
export const browser = { context: null, profile: '' };

/** Start `dsp serve` on a free port; resolves once it printed its URL and login line. */
export function startServer(home) {
  return new Promise((resolve, reject) => {
    const proc = spawn(DSP_BIN, ['--home', home, 'serve', '--listen', '127.0.0.1:0'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    server.proc = proc;
    let base = '';
    let login = '';
    let buffer = '';
    const timer = setTimeout(() => {
      reject(new Error(`dsp serve did not print its address within 90 s; output:\n${server.output}`));
    }, 90_000);
    proc.stdout.setEncoding('utf8');
    proc.stderr.setEncoding('utf8');
    proc.stderr.on('data', (d) => {
      server.output += d;
    });
    proc.stdout.on('data', (d) => {
      server.output += d;
      buffer += d;
      let i;
      while ((i = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, i).trim();
        buffer = buffer.slice(i + 1);
        const serving = /^dsp is serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (serving) base = serving[1];
        const l = /^login: (http:\/\/127\.0\.0\.1:\d+\/login\?token=\S+)$/.exec(line);
        if (l) login = l[1];
        if (base && login) {
          clearTimeout(timer);
          resolve({ base, login });
        }
      }
    });
    proc.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`dsp serve exited (${code ?? signal}) before it was ready; output:\n${server.output}`));
    });
    proc.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

/** A session for API calls from the test itself: call(method, path, json body?) → {status, body}. */
export async function apiSession() {
  const password = readFileSync(path.join(server.home, '.dsp.d', 'admin-password'), 'utf8').trim();
  const res = await fetch(`${server.base}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-DSP-Request': '1' },
    body: JSON.stringify({ password }),
  });
  if (res.status !== 204) throw new Error(`API login: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return async (method, p, json) => {
    const headers = { Cookie: cookie, 'X-DSP-Request': '1' };
    const init = { method, headers };
    if (json !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(json);
    }
    const r = await fetch(`${server.base}${p}`, init);
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

/** Stop the lab through the API if it is not stopped (cleanup). */
export async function stopLabIfRunning(labApi = LAB_API) {
  if (!server.base || !server.proc || server.proc.exitCode !== null) return;
  const call = await apiSession();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const { body } = await call('GET', labApi);
    const state = body?.status?.state ?? body?.state;
    if (state === 'stopped' || state === 'unknown' || !state) return;
    if (state !== 'stopping') {
      const r = await call('POST', `${labApi}/down`);
      if (r.status !== 202 && r.status !== 409) console.error('cleanup: down answered', r.status, r.body);
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
  console.error('cleanup: the lab did not stop within 90 s');
}

export function stopServer() {
  const proc = server.proc;
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => proc.kill('SIGKILL'), 8000);
    proc.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    proc.kill('SIGINT');
  });
}

/** Run one step; on failure save a screenshot and the page's main text beside the others. */
export function step(t, page, name, fn) {
  return t.test(name, async () => {
    try {
      await fn();
    } catch (e) {
      const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase().slice(0, 60);
      await page.screenshot({ path: path.join(SHOTS, `failed-${slug}.png`), fullPage: true }).catch(() => {});
      const text = await page.locator('main, body').first().innerText().catch(() => '');
      throw new Error(`${e.message}\n--- page (${page.url()}):\n${text.slice(0, 3000)}\n--- server output:\n${server.output.slice(-3000)}`, { cause: e });
    }
  });
}

export async function shot(page, name) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

const HOME_PREFIX = path.join(tmpdir(), 'dsp-e2e-home-');

/**
 * Labs that an earlier, killed run of these tests left in Docker (no dsp will
 * ever stop them) hold the subnets the tests want: their containers, networks
 * and volumes go first. A run writes its process id into its main directory;
 * a main directory is abandoned when it is gone, or when that process is.
 */
const OWNER_FILE = 'e2e-run.pid';

function abandonedHome(home) {
  let pid;
  try {
    pid = Number(readFileSync(path.join(home, OWNER_FILE), 'utf8'));
  } catch {
    return true;
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return e.code === 'ESRCH';
  }
}

function removeAbandonedRuns() {
  const docker = (...args) => execFileSync('docker', args, { encoding: 'utf8' });
  const abandoned = (kind) =>
    docker(kind, 'ls', ...(kind === 'container' ? ['--all'] : []), '--filter', 'label=io.dsp.managed=true', '--format', `{{.${kind === 'volume' ? 'Name' : 'ID'}}} {{.Label "io.dsp.namespace"}}`)
      .split('\n')
      .map((line) => line.split(' '))
      .filter(([id, ns]) => id && ns?.startsWith(HOME_PREFIX) && abandonedHome(ns))
      .map(([id]) => id);
  try {
    const containers = abandoned('container');
    if (containers.length) docker('rm', '--force', '--volumes', ...containers);
    for (const kind of ['network', 'volume']) {
      const ids = abandoned(kind);
      if (ids.length) docker(kind, 'rm', ...ids);
    }
    for (const entry of readdirSync(tmpdir())) {
      const home = path.join(tmpdir(), entry);
      if (home.startsWith(HOME_PREFIX) && abandonedHome(home)) rmSync(home, { recursive: true, force: true });
    }
  } catch (e) {
    console.error('cleanup of abandoned runs:', e.message);
  }
}

/**
 * Before the tests: the server on a fresh main directory, and Chromium.
 * `prepareHome(home)`, when given, writes into the main directory before the
 * server starts (`before(setup)` passes node's test context: no options).
 */
export async function setup(options) {
  if (missing.length) return;
  mkdirSync(SHOTS, { recursive: true });
  removeAbandonedRuns();
  server.home = mkdtempSync(HOME_PREFIX);
  writeFileSync(path.join(server.home, OWNER_FILE), String(process.pid));
  if (typeof options?.prepareHome === 'function') await options.prepareHome(server.home);
  const { base } = await startServer(server.home);
  server.base = base;
  // a Hello Flag left running by an earlier run (labs are shared through Docker) would fail the steps
  await stopLabIfRunning();
  const profile = mkdtempSync(path.join(tmpdir(), 'dsp-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 800 },
    colorScheme: 'light',
  });
  browser.context = context;
  browser.profile = profile;
}

/** After the tests: the lab stopped, Chromium closed, the server stopped, the main directory removed. */
export async function teardown() {
  try {
    await stopLabIfRunning();
  } catch (e) {
    console.error('cleanup:', e);
  }
  if (browser.context) {
    await browser.context.close().catch(() => {});
    rmSync(browser.profile, { recursive: true, force: true });
  }
  await stopServer();
  if (server.home) rmSync(server.home, { recursive: true, force: true });
  if (!missing.length) console.log(`screenshots: ${SHOTS}`);
}

/** Skip (or, under CI=true, fail) a test when the browser or the binary is missing; true when it may run. */
export function canRun(t) {
  if (!missing.length) return true;
  const why = `missing ${missing.join('; ')}`;
  if (CI) assert.fail(why);
  t.skip(why);
  return false;
}

/** The admin password of the server's main directory. */
export function adminPassword() {
  return readFileSync(path.join(server.home, '.dsp.d', 'admin-password'), 'utf8').trim();
}

/** Log in through the login page; resolves on the catalogue. */
export async function login(page) {
  await page.goto(`${server.base}/`);
  await page.waitForURL(/#\/login/);
  const password = page.locator('input[type=password]');
  await password.fill(adminPassword());
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByTestId('lab-search').waitFor();
}

/** Resolves when the lab page's state badge says `state`. */
export function labStateIs(page, state, timeout) {
  return page.waitForFunction(
    (want) => document.querySelector('.lab-head [data-state]')?.getAttribute('data-state') === want,
    state,
    { timeout },
  );
}
