// Browser test of what the lab page says about the host's safety, against the
// real `dsp serve` and Docker (harness.mjs: DSP_BIN, DSP_SCREENSHOTS, CHROMIUM, CI).
//
// Exposure: Hello Flag's page says its ports are on this machine only
// (127.0.0.1) and what bounds each container; Expose asks for confirmation
// (Cancel keeps it), then the page says exposed. Exposed, Hello Flag still
// binds 127.0.0.1, because its compose file says so ("127.0.0.1::23": an
// exposed lab's ports bind where the file says); a copy of it in the personal
// repository that publishes "23" binds 0.0.0.0 when exposed and 127.0.0.1 when
// not (read from the API's status after each start), and the page warns while
// the running lab still offers a port to the network after unexposing.
//
// Risks: a lab in an untrusted repository made here ("strangers", whose lab
// asks for privileged: true) lists its risk (what, service, field), says the
// repository is not trusted and that it cannot start as it is; Start asks
// first, in a dialog that lists the risk (Cancel starts nothing; "Start
// without these" starts it with the risk stripped, trusting nothing); a start
// requested while the page still believed it trusted is refused with a
// message that lists the risk, and nothing starts.
//
// Errors by kind: answers 503, 409 and 403 (made up with page.route) are
// shown with their kind and the server's message, not a generic failure.
//
// Whatever happens, the labs are stopped through the API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  apiSession,
  browser,
  canRun,
  DSP_BIN,
  LAB,
  LAB_API,
  labStateIs,
  login,
  server,
  setup,
  shot,
  step,
  stopLabIfRunning,
  teardown,
} from './harness.mjs';

const RISKY = { repo: 'strangers', name: 'risky', title: 'Risky Lab' };
const RISKY_API = `/api/labs/${RISKY.repo}/${RISKY.name}`;
/** A copy of Hello Flag whose port is published on every interface when exposed ("23"); its repository: the personal one. */
const OPEN = { repo: '', name: 'hello-open', title: 'Hello Open' };
const openApi = () => `/api/labs/${encodeURIComponent(OPEN.repo)}/${OPEN.name}`;

const RISKY_COMPOSE = `x-dsp:
  title: ${RISKY.title}
  description: A lab from a stranger that asks for privileged mode.
  stop_timeout: 1s
services:
  box:
    image: dsp/busybox:latest
    command: [sleep, "3600"]
    privileged: true
`;

/** The risky lab in an untrusted repository of the test's main directory: folders with a .dsp file each. */
function makeRiskyLab() {
  const dir = path.join(server.home, RISKY.repo, RISKY.name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(server.home, RISKY.repo, '.dsp'), '');
  writeFileSync(path.join(dir, '.dsp'), '');
  writeFileSync(path.join(dir, 'compose.yaml'), RISKY_COMPOSE);
}

/** Hello Flag copied into the personal repository, its telnet port published as "23" (every interface, once exposed). */
function makeOpenLab() {
  const from = path.join(server.home, LAB.repo, LAB.name);
  const to = path.join(server.home, OPEN.repo, OPEN.name);
  cpSync(from, to, { recursive: true });
  const file = path.join(to, 'compose.yaml');
  const compose = readFileSync(file, 'utf8');
  assert.match(compose, /- "127\.0\.0\.1::23"/, 'Hello Flag publishes its telnet port on 127.0.0.1 (the copy changes that line)');
  writeFileSync(file, compose.replace('- "127.0.0.1::23"', '- "23"').replace(`title: ${LAB.title}`, `title: ${OPEN.title}`));
}

/** dsp on the test's main directory (repo trust, untrust). */
function dsp(...args) {
  return execFileSync(DSP_BIN, ['--home', server.home, ...args], { encoding: 'utf8', timeout: 30_000 });
}

/** The published ports of a running lab, as the API's status reports them. */
async function portsOf(labApi) {
  const call = await apiSession();
  const { status, body } = await call('GET', labApi);
  assert.equal(status, 200, JSON.stringify(body));
  return (body?.status?.services ?? []).flatMap((s) => s.ports ?? []);
}

async function exposedOf(labApi) {
  const call = await apiSession();
  const { body } = await call('GET', labApi);
  return body?.exposed;
}

/** Resolves when fn() is truthy; fails after timeout ms. */
async function until(what, fn, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeout / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

before(async () => {
  await setup();
  if (!server.base) return;
  const call = await apiSession();
  const settings = await call('GET', '/api/settings');
  OPEN.repo = settings.body?.personalRepo || 'root';
  makeOpenLab();
  makeRiskyLab();
  // left running by an earlier run (labs are shared through Docker)
  await stopLabIfRunning(openApi());
  await stopLabIfRunning(RISKY_API);
});
after(async () => {
  for (const api of [openApi(), RISKY_API]) await stopLabIfRunning(api).catch((e) => console.error('cleanup:', e));
  await teardown();
});

let loggedIn = false;
/** The browser's page, logged in once for the tests of this file. */
async function loggedInPage() {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(20_000);
  if (!loggedIn) {
    await login(page);
    loggedIn = true;
  }
  return page;
}

/** Start the lab from its page and wait until it runs and the services card shows its ports. */
async function startFromPage(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid=start]')?.disabled, null, { timeout: 30_000 });
  await page.getByTestId('start').click();
  await labStateIs(page, 'running', 180_000);
  await page.waitForFunction(() => !!document.querySelector('[data-testid=services] tr[data-service=target] li[data-host-ip]'), null, {
    timeout: 30_000,
  });
}

async function stopFromPage(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid=stop]')?.disabled, null, { timeout: 30_000 });
  await page.getByTestId('stop').click();
  await labStateIs(page, 'stopped', 90_000);
  await page.waitForFunction(() => !document.querySelector('[data-testid=start]')?.disabled, null, { timeout: 30_000 });
}

/** Expose the lab from its page: the dialog, then Confirm; resolves when the page says exposed. */
async function exposeFromPage(page) {
  await page.getByTestId('expose').click();
  const dialog = page.getByRole('dialog');
  await dialog.waitFor();
  await page.getByTestId('expose-confirm').click();
  await page.locator('[data-testid=exposure][data-exposed=true]').waitFor();
  assert.equal(await dialog.isVisible(), false, 'the dialog is closed');
}

test('exposure: this machine only by default, exposing asks first, ports bind where the status says', { timeout: 10 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  const page = await loggedInPage();
  const consoleErrors = [];
  const onError = (e) => consoleErrors.push(String(e));
  page.on('pageerror', onError);
  t.after(() => page.off('pageerror', onError));

  const exposure = page.getByTestId('exposure');
  const row = page.getByTestId('services').locator('tr[data-service=target]');

  await step(t, page, 'Hello Flag: ports on this machine only, and the limits of each container', async () => {
    await page.goto(`${server.base}/#/lab/${LAB.repo}/${LAB.name}`);
    await labStateIs(page, 'stopped', 30_000);
    await exposure.waitFor();
    assert.equal(await exposure.getAttribute('data-exposed'), 'false');
    assert.equal((await page.getByTestId('exposure-state').innerText()).trim(), 'Ports: this machine only (127.0.0.1)');
    assert.equal(await exposedOf(LAB_API), false, 'the API says not exposed');
    assert.match(await page.getByTestId('limits').innerText(), /^Each container: at most 2048 processes/);
    // the port of a stopped lab: where the next start binds it
    assert.match(await row.innerText(), /127\.0\.0\.1 → 23\/tcp/);
  });

  await step(t, page, 'exposing asks for confirmation: Cancel keeps the lab on this machine', async () => {
    await page.getByTestId('expose').click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /anyone who can reach this machine over the network can then reach the lab’s services/i);
    await shot(page, 'expose-confirm');
    await page.getByTestId('expose-cancel').click();
    await dialog.waitFor({ state: 'hidden' });
    assert.equal(await exposure.getAttribute('data-exposed'), 'false');
    assert.equal(await exposedOf(LAB_API), false, 'Cancel changed nothing');
  });

  await step(t, page, 'confirmed, the page says exposed (the API agrees)', async () => {
    await exposeFromPage(page);
    assert.equal((await page.getByTestId('exposure-state').innerText()).trim(), 'Ports: exposed to the network');
    assert.equal(await exposedOf(LAB_API), true);
    // a reload keeps it: it is the server's
    await page.reload();
    await page.locator('[data-testid=exposure][data-exposed=true]').waitFor();
  });

  await step(t, page, 'exposed, Hello Flag still binds 127.0.0.1: its compose file says so', async () => {
    await startFromPage(page);
    const ports = await portsOf(LAB_API);
    assert.ok(ports.length > 0, 'the running lab publishes its telnet port');
    for (const p of ports) assert.equal(p.hostIP, '127.0.0.1', `bound where the file says: ${JSON.stringify(ports)}`);
    assert.match(await row.innerText(), /127\.0\.0\.1:\d+ → 23\/tcp/);
    assert.equal(await row.locator('.tag', { hasText: 'network' }).count(), 0);
    assert.match(await exposure.innerText(), /A change applies at the lab’s next start/);
  });

  await step(t, page, 'unexposed while running: the change waits for the next start', async () => {
    await page.getByTestId('unexpose').click();
    await page.locator('[data-testid=exposure][data-exposed=false]').waitFor();
    assert.match(await page.getByTestId('exposure-note').innerText(), /next start/);
    assert.equal(await exposedOf(LAB_API), false);
    await stopFromPage(page);
  });

  await step(t, page, `${OPEN.title} (publishes "23"): exposed, its port binds 0.0.0.0`, async () => {
    await page.goto(`${server.base}/#/lab/${encodeURIComponent(OPEN.repo)}/${OPEN.name}`);
    await page.getByRole('heading', { name: OPEN.title }).waitFor();
    await labStateIs(page, 'stopped', 30_000);
    assert.equal(await exposure.getAttribute('data-exposed'), 'false');
    await exposeFromPage(page);
    assert.equal(await exposedOf(openApi()), true);
    await startFromPage(page);
    const ports = await portsOf(openApi());
    assert.ok(
      ports.some((p) => p.hostIP === '0.0.0.0'),
      `an exposed lab's "23" binds every interface: ${JSON.stringify(ports)}`,
    );
    assert.ok(!ports.some((p) => /^127\./.test(p.hostIP ?? '')), `nothing on loopback: ${JSON.stringify(ports)}`);
    const v4 = ports.find((p) => p.hostIP === '0.0.0.0');
    await page.waitForFunction(
      (want) => (document.querySelector('[data-testid=services] tr[data-service=target]')?.textContent ?? '').includes(want),
      `0.0.0.0:${v4.host}`,
      { timeout: 30_000 },
    );
    assert.ok((await row.locator('.tag', { hasText: 'network' }).count()) > 0, 'the port is tagged as on the network');
    await shot(page, 'lab-exposed-running');
  });

  await step(t, page, 'unexposed, the page warns until the next start, which binds 127.0.0.1', async () => {
    await page.getByTestId('unexpose').click();
    await page.locator('[data-testid=exposure][data-exposed=false]').waitFor();
    assert.equal(await exposedOf(openApi()), false);
    await page.getByTestId('exposure-pending').waitFor();
    await stopFromPage(page);
    await startFromPage(page);
    const ports = await portsOf(openApi());
    assert.ok(ports.length > 0, 'the running lab publishes its telnet port');
    for (const p of ports) assert.equal(p.hostIP, '127.0.0.1', `not exposed: loopback only: ${JSON.stringify(ports)}`);
    await page.waitForFunction(
      () => /127\.0\.0\.1:\d+ → 23\/tcp/.test(document.querySelector('[data-testid=services] tr[data-service=target]')?.textContent ?? ''),
      null,
      { timeout: 30_000 },
    );
    assert.equal(await row.locator('.tag', { hasText: 'network' }).count(), 0);
    assert.equal(await page.getByTestId('exposure-pending').count(), 0, 'nothing on the network any more');
    await stopFromPage(page);
  });

  assert.deepEqual(consoleErrors, [], 'no uncaught error in the page');
});

test('a risky lab in an untrusted repository: its risk, and it cannot start', { timeout: 5 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  const page = await loggedInPage();
  const consoleErrors = [];
  const onError = (e) => consoleErrors.push(String(e));
  page.on('pageerror', onError);
  t.after(() => page.off('pageerror', onError));
  const risks = page.getByTestId('risks');

  await step(t, page, 'the page lists the risk with its service and field, and says why it cannot start', async () => {
    await page.goto(`${server.base}/#/lab/${RISKY.repo}/${RISKY.name}`);
    await page.getByRole('heading', { name: RISKY.title }).waitFor();
    await labStateIs(page, 'stopped', 30_000);
    await risks.waitFor();
    assert.equal(await risks.getAttribute('data-trusted'), 'false');
    assert.match(await risks.innerText(), /cannot start/);
    assert.match(await risks.innerText(), /repository strangers is not trusted/);
    const risk = risks.getByTestId('risk');
    assert.equal(await risk.count(), 1);
    assert.equal(await risk.getAttribute('data-field'), 'services.box.privileged');
    assert.equal(await risk.getAttribute('data-service'), 'box');
    const text = await risk.innerText();
    assert.match(text, /privileged/);
    assert.match(text, /\bbox\b/);
    assert.match(text, /services\.box\.privileged/);
    assert.match(await risks.innerText(), /dsp repo trust strangers/);
    assert.equal(await page.getByTestId('repo-trust').getAttribute('data-trusted'), 'false');
    assert.match(await page.getByTestId('repo-trust').innerText(), /not trusted/);
    // before any click the page says that Start asks first
    assert.match(await page.getByTestId('start-note').innerText(), /the repository strangers is not trusted.*Start asks/i);
    await page.getByTestId('instances-expand').click();
    assert.equal(await page.getByTestId('instance-start').isEnabled(), false, 'no other instance starts either');
    await shot(page, 'lab-risky-untrusted');
  });

  await step(t, page, 'Start asks first: the dialog lists the risk, Cancel starts nothing', async () => {
    await page.getByTestId('start').click();
    const dialog = page.getByRole('dialog', { name: `Start ${RISKY.title}?` });
    await dialog.waitFor();
    const risk = dialog.getByTestId('trust-risk');
    assert.equal(await risk.count(), 1);
    assert.equal(await risk.getAttribute('data-field'), 'services.box.privileged');
    assert.match(await risk.innerText(), /box: .*privileged/);
    assert.equal(await dialog.getByRole('button', { name: `Trust ${RISKY.repo} and start` }).count(), 1);
    assert.equal(await dialog.getByRole('button', { name: 'Start without these' }).count(), 1);
    await shot(page, 'lab-risky-trust-dialog');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const call = await apiSession();
    const { body } = await call('GET', RISKY_API);
    assert.equal(body?.status?.state ?? body?.state, 'stopped', 'Cancel started nothing');
    assert.equal(body?.trusted, false, 'Cancel trusted nothing');
  });

  await step(t, page, '“Start without these”: the lab runs with its risk stripped, its repository still untrusted', async () => {
    const ups = [];
    const onRequest = (r) => {
      if (r.method() === 'POST' && r.url().includes(`${RISKY_API}/up`)) ups.push(r.url());
    };
    page.on('request', onRequest);
    try {
      await page.getByTestId('start').click();
      const dialog = page.getByRole('dialog', { name: `Start ${RISKY.title}?` });
      await dialog.waitFor();
      await dialog.getByRole('button', { name: 'Start without these' }).click();
      await dialog.waitFor({ state: 'hidden' });
      await labStateIs(page, 'running', 120_000);
    } finally {
      page.off('request', onRequest);
    }
    assert.equal(ups.length, 1, `one start: ${ups}`);
    assert.match(ups[0], /[?&]withoutRisks=true(&|$)/);
    const call = await apiSession();
    const { body } = await call('GET', RISKY_API);
    assert.equal(body?.trusted, false, 'nothing was trusted');
    assert.equal(await page.getByTestId('repo-trust').getAttribute('data-trusted'), 'false');
    await page.waitForFunction(() => !document.querySelector('[data-testid=stop]')?.disabled, null, { timeout: 30_000 });
    await page.getByTestId('stop').click();
    await labStateIs(page, 'stopped', 90_000);
  });

  await step(t, page, 'trusted, the risk is a warning and Start is enabled', async () => {
    assert.match(dsp('repo', 'trust', RISKY.repo), /trusted/);
    await page.reload();
    await page.locator('[data-testid=risks][data-trusted=true]').waitFor();
    assert.equal(await page.getByTestId('start-note').count(), 0);
    await page.waitForFunction(() => !document.querySelector('[data-testid=start]')?.disabled);
  });

  await step(t, page, 'untrusted behind the page’s back, a start is refused with a message that lists the risk', async () => {
    dsp('repo', 'untrust', RISKY.repo);
    await page.getByTestId('start').click();
    // a 403 for the request, or the start's check failing: either way the refusal lists what the lab asks for
    const refusal = page.locator('[data-testid=request-error], [data-testid=operation-error]').getByTestId('untrusted-refusal');
    await refusal.waitFor({ timeout: 60_000 });
    const text = await refusal.innerText();
    assert.match(text, /repository strangers is not trusted/);
    assert.match(text, /service box: runs privileged/);
    assert.match(text, /dsp repo trust strangers/);
    await shot(page, 'lab-risky-refused');
    const call = await apiSession();
    const { body } = await call('GET', RISKY_API);
    assert.equal(body?.status?.state ?? body?.state, 'stopped', 'nothing started');
    assert.deepEqual(
      (body?.status?.services ?? []).filter((s) => s.state !== 'missing'),
      [],
      'no container was created',
    );
    // the page takes the untrusted repository in again: Start asks first, as said
    await page.reload();
    await page.locator('[data-testid=risks][data-trusted=false]').waitFor();
    await page.getByTestId('start-note').waitFor();
  });

  await step(t, page, 'the API refuses the start too, naming the risk', async () => {
    const call = await apiSession();
    const r = await call('POST', `${RISKY_API}/up`);
    let message = '';
    if (r.status === 202) {
      // refused by the start's check: the operation fails with the message
      const op = await until('the start fails', async () => {
        const o = await call('GET', `/api/operations/${r.body.operation}`);
        return o.body?.state !== 'running' ? o.body : null;
      });
      assert.equal(op.state, 'failed', JSON.stringify(op));
      message = op.error;
    } else {
      assert.equal(r.status, 403, JSON.stringify(r.body));
      message = r.body.error;
    }
    assert.match(message, /repository strangers is not trusted and this lab asks for: service box: runs privileged/);
  });

  assert.deepEqual(consoleErrors, [], 'no uncaught error in the page');
});

test('errors by kind: 503, 409 and 403 say what happened', { timeout: 3 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  const page = await loggedInPage();
  const json = (status, body) => ({ status, contentType: 'application/json', body: JSON.stringify(body) });

  await step(t, page, '503 on the images page: the Docker Engine cannot be reached, and the server’s message', async () => {
    const message = 'cannot reach the Docker Engine: dial unix /var/run/docker.sock: connect: no such file or directory';
    await page.route('**/api/images', (route) => route.fulfill(json(503, { error: message })));
    try {
      await page.goto(`${server.base}/#/images`);
      const alert = page.getByTestId('load-error');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('data-status'), '503');
      const text = await alert.innerText();
      assert.match(text, /^The Docker Engine cannot be reached\./);
      assert.ok(text.includes(message), text);
    } finally {
      await page.unroute('**/api/images');
    }
  });

  const upUrl = `**${LAB_API}/up`;
  await step(t, page, '409 on Start: busy, with the server’s message', async () => {
    const message = `${LAB.repo}/${LAB.name} is busy: down (operation op-99) is in progress`;
    await page.route(upUrl, (route) => route.fulfill(json(409, { error: message })));
    try {
      await page.goto(`${server.base}/#/lab/${LAB.repo}/${LAB.name}`);
      await labStateIs(page, 'stopped', 30_000);
      await page.getByTestId('start').click();
      const alert = page.getByTestId('request-error');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('data-kind'), 'conflict');
      assert.equal((await alert.innerText()).trim(), `Busy. ${message}`);
    } finally {
      await page.unroute(upUrl);
    }
  });

  await step(t, page, '503 without a JSON body: the status still says what it means', async () => {
    await page.route(upUrl, (route) => route.fulfill({ status: 503, contentType: 'text/plain', body: 'Service Unavailable' }));
    try {
      await page.getByTestId('start').click();
      const alert = page.locator('[data-testid=request-error][data-status="503"]');
      await alert.waitFor();
      assert.match(await alert.innerText(), /the Docker Engine cannot be reached: is it running\? \(503 Service Unavailable\)/);
    } finally {
      await page.unroute(upUrl);
    }
  });

  await step(t, page, '403 on exposing: not changed, the message and its field', async () => {
    const exposureUrl = `**${LAB_API}/exposure`;
    await page.route(exposureUrl, (route) =>
      route.fulfill(json(403, { error: 'state-changing requests need the header X-DSP-Request: 1', field: 'X-DSP-Request' })),
    );
    try {
      await page.getByTestId('expose').click();
      await page.getByTestId('expose-confirm').click();
      const alert = page.getByTestId('exposure-error');
      await alert.waitFor();
      assert.equal(await alert.getAttribute('data-kind'), 'forbidden');
      const text = await alert.innerText();
      assert.match(text, /^Not changed: state-changing requests need the header X-DSP-Request: 1/);
      assert.match(text, /field X-DSP-Request/);
      assert.equal(await page.getByTestId('exposure').getAttribute('data-exposed'), 'false', 'still this machine only');
    } finally {
      await page.unroute(exposureUrl);
    }
    assert.equal(await exposedOf(LAB_API), false);
  });
});
