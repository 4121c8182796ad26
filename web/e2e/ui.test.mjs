// End-to-end test of the web UI against the real `dsp serve` and the real
// Docker Engine, in Debian's Chromium driven by playwright-core (no browser
// is ever downloaded).
//
//   DSP_BIN          the dsp binary (default: ../bin/dsp from web/)
//   DSP_SCREENSHOTS  where the PNGs go (default: web/test-results/screenshots)
//   CHROMIUM         the browser (default: /usr/bin/chromium)
//   CI=true          a missing browser or binary fails the test instead of skipping it
//
// It logs in (after a refused wrong password), finds the example lab
// "Hello Flag" by searching, starts it, sees it running with its IPv4
// address and the progress log, visits the images and settings pages, stops
// the lab and sees it stopped; a screenshot of each main page is saved.
// Whatever happens, the lab is stopped through the API and the server killed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

const WEB = path.resolve(import.meta.dirname, '..');
const DSP_BIN = process.env.DSP_BIN ? path.resolve(process.env.DSP_BIN) : path.resolve(WEB, '../bin/dsp');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const SHOTS = process.env.DSP_SCREENSHOTS
  ? path.resolve(process.env.DSP_SCREENSHOTS)
  : path.join(WEB, 'test-results', 'screenshots');
const CI = process.env.CI === 'true';
const LAB = { repo: 'examples', name: 'hello-flag', title: 'Hello Flag' };
const LAB_API = `/api/labs/${encodeURIComponent(LAB.repo)}/${encodeURIComponent(LAB.name)}`;

function executable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const missing = [];
if (!executable(CHROMIUM)) missing.push(`Chromium (${CHROMIUM}): apt-get install -y chromium`);
if (!executable(DSP_BIN)) missing.push(`the dsp binary (${DSP_BIN}): make build`);

/** The running server: process, base URL, home. */
const server = { proc: null, base: '', home: '', output: '' };
let context = null;

/** Start `dsp serve` on a free port; resolves once it printed its URL and login line. */
function startServer(home) {
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

/** A session for API calls from the test itself (cleanup). */
async function apiSession() {
  const password = readFileSync(path.join(server.home, '.dsp.d', 'admin-password'), 'utf8').trim();
  const res = await fetch(`${server.base}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-DSP-Request': '1' },
    body: JSON.stringify({ password }),
  });
  if (res.status !== 204) throw new Error(`API login: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  return async (method, p) => {
    const r = await fetch(`${server.base}${p}`, { method, headers: { Cookie: cookie, 'X-DSP-Request': '1' } });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

/** Stop the lab through the API if it is not stopped (cleanup). */
async function stopLabIfRunning() {
  if (!server.base || !server.proc || server.proc.exitCode !== null) return;
  const call = await apiSession();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    const { body } = await call('GET', LAB_API);
    const state = body?.status?.state ?? body?.state;
    if (state === 'stopped' || state === 'unknown' || !state) return;
    if (state !== 'stopping') {
      const r = await call('POST', `${LAB_API}/down`);
      if (r.status !== 202 && r.status !== 409) console.error('cleanup: down answered', r.status, r.body);
    }
    await new Promise((res) => setTimeout(res, 1000));
  }
  console.error('cleanup: the lab did not stop within 90 s');
}

function stopServer() {
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
function step(t, page, name, fn) {
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

async function shot(page, name) {
  const file = path.join(SHOTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

before(async () => {
  if (missing.length) return;
  mkdirSync(SHOTS, { recursive: true });
  server.home = mkdtempSync(path.join(tmpdir(), 'dsp-e2e-home-'));
  const { base } = await startServer(server.home);
  server.base = base;
  // a Hello Flag left running by an earlier run (labs are shared through Docker) would fail the steps
  await stopLabIfRunning();
  const profile = mkdtempSync(path.join(tmpdir(), 'dsp-e2e-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
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
  context.__profile = profile;
});

after(async () => {
  try {
    await stopLabIfRunning();
  } catch (e) {
    console.error('cleanup:', e);
  }
  if (context) {
    await context.close().catch(() => {});
    rmSync(context.__profile, { recursive: true, force: true });
  }
  await stopServer();
  if (server.home) rmSync(server.home, { recursive: true, force: true });
  if (!missing.length) console.log(`screenshots: ${SHOTS}`);
});

test('the web UI: login, catalogue, start and stop a lab, images, settings', { timeout: 10 * 60_000 }, async (t) => {
  if (missing.length) {
    const why = `missing ${missing.join('; ')}`;
    if (CI) assert.fail(why);
    t.skip(why);
    return;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  page.setDefaultTimeout(20_000);

  await step(t, page, 'a wrong password is refused, the right one logs in', async () => {
    await page.goto(`${server.base}/`);
    await page.waitForURL(/#\/login/);
    const password = page.locator('input[type=password]');
    await password.waitFor();
    await shot(page, 'login');

    await password.fill('not-the-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const alert = page.getByRole('alert');
    await alert.waitFor();
    assert.match(await alert.innerText(), /wrong password/i);
    assert.match(page.url(), /#\/login/);

    const secret = readFileSync(path.join(server.home, '.dsp.d', 'admin-password'), 'utf8').trim();
    await password.fill(secret);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('lab-search').waitFor();
    assert.doesNotMatch(page.url(), /login/);
  });

  await step(t, page, 'the catalogue finds Hello Flag by search', async () => {
    const card = page.locator(`[data-lab="${LAB.repo}/${LAB.name}"]`);
    await card.waitFor();
    await page.locator('.conn-open').waitFor(); // the event stream is connected
    await shot(page, 'catalogue');
    // the theme toggle switches to dark and back, and is remembered
    await page.getByRole('button', { name: 'Dark theme' }).click();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await shot(page, 'catalogue-dark');
    await page.getByRole('button', { name: 'Light theme' }).click();
    assert.equal(await page.evaluate(() => localStorage.getItem('dsp-theme')), 'light');

    await page.getByTestId('lab-search').fill('hello flag');
    await card.waitFor();
    assert.equal(await page.locator('[data-lab]').count(), 1, 'the search leaves one lab');
    assert.match(await card.innerText(), /Hello Flag/);
    await card.getByRole('link', { name: LAB.title }).click();
    await page.waitForURL(/#\/lab\/examples\/hello-flag$/);
  });

  const labStateIs = (state, timeout) =>
    page.waitForFunction(
      (want) => document.querySelector('.lab-head [data-state]')?.getAttribute('data-state') === want,
      state,
      { timeout },
    );

  await step(t, page, 'the lab page: texts, solution on request, topology', async () => {
    await page.getByRole('heading', { name: LAB.title }).waitFor();
    await page.getByTestId('topology').waitFor();
    await labStateIs('stopped', 20_000);
    // the goal is shown, the solution only on request
    assert.match(await page.locator('.about').innerText(), /flag/i);
    const solution = page.getByTestId('solution');
    assert.doesNotMatch(await solution.innerText(), /wonderland/);
    await page.getByTestId('show-solution').click();
    await page.getByRole('button', { name: 'Hide' }).waitFor();
    assert.match(await solution.locator('.prose').innerText(), /wonderland/, 'the solution text is shown');
    await page.getByRole('button', { name: 'Hide' }).click();
  });

  await step(t, page, 'the lab starts: running, with its IP and the progress log', async () => {
    const start = page.getByTestId('start');
    assert.equal(await start.isEnabled(), true, 'Start is enabled on a stopped lab');
    await start.click();

    // the log shows the steps as they happen, then the lab runs
    await page.locator('[data-testid=progress-log] .log-row[data-step]').first().waitFor({ timeout: 60_000 });
    await labStateIs('running', 180_000);

    // the container's address as the API reports it (dsp picks subnets for networks that name none)
    const call = await apiSession();
    const { body } = await call('GET', LAB_API);
    const ip = body?.status?.services?.find((s) => s.name === 'target')?.networks?.[0]?.ip ?? '';
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/, `the API gives the target's IPv4 address (${JSON.stringify(body?.status)})`);
    const row = page.getByTestId('services').locator('tr[data-service=target]');
    await page.waitForFunction(
      (want) => (document.querySelector('[data-testid=services] tr[data-service=target]')?.textContent ?? '').includes(want),
      ip,
      { timeout: 30_000 },
    );
    assert.equal(await row.locator('[data-state]').first().getAttribute('data-state'), 'running');
    // the published telnet port is shown (not as a web link: 23 is not HTTP)
    assert.match(await row.innerText(), /127\.0\.0\.1:\d+ → 23\/tcp/);
    assert.equal(await row.getByTestId('port-link').count(), 0);
    // the topology writes the address on the line
    await page.locator('.topo-ip', { hasText: ip }).waitFor();

    await page.waitForFunction(() => document.querySelectorAll('[data-testid=progress-log] .log-row[data-step=action]').length > 0, null, {
      timeout: 30_000,
    });
    const logText = await page.getByTestId('progress-log').innerText();
    for (const stepName of ['check', 'network', 'container', 'files', 'action', 'done']) {
      assert.match(logText, new RegExp(`\\b${stepName}\\b`), `the log shows the ${stepName} step`);
    }
    await page.waitForFunction(() => /Start · done/.test(document.querySelector('.activity')?.textContent ?? ''));
    assert.equal(await page.getByTestId('operation-error').count(), 0, 'no operation error');
    assert.equal(await page.getByTestId('start').isEnabled(), false, 'Start is disabled while running');
    assert.equal(await page.getByTestId('stop').isEnabled(), true, 'Stop is enabled while running');
    await shot(page, 'lab-running');
  });

  await step(t, page, 'the images page lists the lab image, used by the running lab', async () => {
    await page.goto(`${server.base}/#/images`);
    const table = page.getByTestId('images');
    await table.waitFor();
    const row = table.locator('tr', { hasText: 'dsp-examples/hello-target:1' });
    await row.waitFor();
    assert.match(await row.innerText(), /examples\/hello-flag/);
    await page.getByTestId('lab-needs').locator('a', { hasText: LAB.title }).waitFor();
    await shot(page, 'images');
  });

  await step(t, page, 'the settings page shows the main directory and repositories', async () => {
    await page.goto(`${server.base}/#/settings`);
    const repos = page.getByTestId('repositories');
    await repos.waitFor();
    assert.match(await repos.innerText(), /examples/);
    assert.match(await page.locator('.facts').first().innerText(), new RegExp(path.basename(server.home)));
    await shot(page, 'settings');
  });

  await step(t, page, 'the lab stops', async () => {
    await page.goto(`${server.base}/#/lab/${LAB.repo}/${LAB.name}`);
    await labStateIs('running', 20_000);
    // coming back to the page shows the log of the start again
    await page.waitForFunction(() => /Start · done/.test(document.querySelector('.activity')?.textContent ?? ''));
    await page.waitForFunction(() => !document.querySelector('[data-testid=stop]')?.disabled);
    await page.getByTestId('stop').click();
    await labStateIs('stopped', 90_000);
    await page.waitForFunction(() => /Stop · done/.test(document.querySelector('.activity')?.textContent ?? ''), null, {
      timeout: 30_000,
    });
    assert.equal(await page.getByTestId('operation-error').count(), 0, 'no operation error');
    await page.waitForFunction(() => !document.querySelector('[data-testid=start]')?.disabled);
    const row = page.getByTestId('services').locator('tr[data-service=target]');
    assert.equal(await row.locator('[data-state]').first().getAttribute('data-state'), 'stopped');
  });

  await step(t, page, 'the catalogue follows a lab started and stopped elsewhere, live', async () => {
    await page.goto(`${server.base}/#/`);
    await page.locator('.conn-open').waitFor();
    const card = `[data-lab="${LAB.repo}/${LAB.name}"] [data-state]`;
    await page.locator(card).waitFor();
    assert.equal(await page.locator(card).getAttribute('data-state'), 'stopped');
    const call = await apiSession();
    const up = await call('POST', `${LAB_API}/up`);
    assert.equal(up.status, 202, JSON.stringify(up.body));
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-state') === 'running', card, { timeout: 120_000 });
    const down = await call('POST', `${LAB_API}/down`);
    // the start may still be finishing its last step: retry while busy
    for (let i = 0; down.status === 409 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 500));
      Object.assign(down, await call('POST', `${LAB_API}/down`));
    }
    assert.equal(down.status, 202, JSON.stringify(down.body));
    await page.waitForFunction((sel) => document.querySelector(sel)?.getAttribute('data-state') === 'stopped', card, { timeout: 90_000 });
  });

  assert.deepEqual(consoleErrors, [], 'no uncaught error in the page');
});
