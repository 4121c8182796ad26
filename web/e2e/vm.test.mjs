// Browser test of a lab with a virtual machine (x-dsp.vm), against the real
// `dsp serve` and Docker (harness.mjs: DSP_BIN, DSP_SCREENSHOTS, CHROMIUM, CI).
//
// The lab is examples/mixed-vm written into a repository of the test's own in
// the main directory (`vm-e2e/mixed-vm`): its compose file, solve.sh and the
// VM's kernel and initramfs (vm/vmlinux, vm/initrd.img, built by
// scripts/build-images.sh), on a subnet picked at random in
// 10.170–10.179.x.0/24, the victim VM with `console: vnc`. Before the start
// the victim shows its VM badge ("VM · 256 MiB · 1 CPU · VNC screen"), a
// Console button instead of Terminal, a Screen button and no Files; the lab
// starts from the page (the VM boots under TCG: the start waits for its
// console's ready line); the victim's Console (its serial console, in the
// terminals) runs `echo vm-$((6*7))`; its Screen (noVNC over the screen
// websocket) reaches "connected" with a canvas of a non-zero size, without a
// Content-Security-Policy violation, and closes (the server logs the
// screen's end); opened again, it says "disconnected: the VM stopped" when the
// lab stops from the page (the console says it ended); the editor's side
// panel shows the victim's VM settings read-only. Screenshots: the services
// card with the badge, the console, the screen (connected, then stopped), the
// editor's VM settings.
//
// The VM's assets missing (no vm/vmlinux or vm/initrd.img in examples/mixed-vm,
// or no dsp/qemu:latest image): the test is skipped, or fails under CI=true.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { apiSession, browser, canRun, CI, labStateIs, login, server, setup, SHOTS, step, stopLabIfRunning, teardown, WEB } from './harness.mjs';

const EXAMPLE = path.resolve(WEB, '..', 'examples', 'mixed-vm');
const ASSETS = ['vm/vmlinux', 'vm/initrd.img'];
const QEMU_IMAGE = 'dsp/qemu:latest';

const NET = { second: 170 + Math.floor(Math.random() * 10), third: 1 + Math.floor(Math.random() * 250) };
const PREFIX = `10.${NET.second}.${NET.third}.`;
const VICTIM_IP = `${PREFIX}20`;
const VM = { repo: 'vm-e2e', name: 'mixed-vm', title: 'Mixed VM' };
const VM_API = `/api/labs/${VM.repo}/${VM.name}`;

/** What the VM test needs beyond the harness's browser and binary. */
function vmMissing() {
  const missing = [];
  for (const f of ['compose.yaml', 'solve.sh', ...ASSETS]) {
    if (!existsSync(path.join(EXAMPLE, f))) missing.push(`examples/mixed-vm/${f} (scripts/build-images.sh builds the VM's assets)`);
  }
  try {
    execFileSync('docker', ['image', 'inspect', '--format', '{{.Id}}', QEMU_IMAGE], { stdio: 'ignore' });
  } catch {
    missing.push(`the image ${QEMU_IMAGE} (scripts/build-images.sh)`);
  }
  return missing;
}
const missingVM = vmMissing();

/** examples/mixed-vm on the test's subnet, the victim with a screen. */
function compose() {
  const text = readFileSync(path.join(EXAMPLE, 'compose.yaml'), 'utf8');
  assert.match(text, /subnet: 10\.233\.1\.0\/24/, 'examples/mixed-vm/compose.yaml: its subnet moved');
  assert.match(text, /\n {8}cpus: 1\n/, 'examples/mixed-vm/compose.yaml: the victim’s cpus line moved');
  assert.doesNotMatch(text, /console: (serial|vnc)/, 'examples/mixed-vm/compose.yaml names a console already');
  return text.replaceAll('10.233.1.', PREFIX).replace(/\n( {8})cpus: 1\n/, '\n$1cpus: 1\n$1console: vnc\n');
}

/** The lab in a repository of its own in the main directory: folders with a .dsp file each. */
function writeLab(home) {
  if (missingVM.length) return;
  const dir = path.join(home, VM.repo, VM.name);
  mkdirSync(path.join(dir, 'vm'), { recursive: true });
  writeFileSync(path.join(home, VM.repo, '.dsp'), '');
  writeFileSync(path.join(dir, '.dsp'), '');
  writeFileSync(path.join(dir, 'compose.yaml'), compose());
  writeFileSync(path.join(dir, 'solve.sh'), readFileSync(path.join(EXAMPLE, 'solve.sh'), 'utf8').replaceAll('10.233.1.', PREFIX), { mode: 0o755 });
  for (const f of ASSETS) copyFileSync(path.join(EXAMPLE, f), path.join(dir, f));
}

before(() => setup({ prepareHome: writeLab }));
after(async () => {
  await stopLabIfRunning(VM_API).catch((e) => console.error('cleanup:', e));
  await teardown();
});

/** The text on a terminal's screen (xterm's DOM rows), one line per row. */
function screenText(page, tab) {
  return page.evaluate((id) => {
    const rows = document.querySelector(`[data-testid=terminal][data-tab="${id}"] .xterm-rows`);
    if (!rows) return '';
    return Array.from(rows.children)
      .map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd())
      .join('\n');
  }, tab);
}

/** Wait until a terminal's screen matches re. */
async function waitScreen(page, tab, re, timeout = 20_000) {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = await screenText(page, tab);
    if (re.test(text)) return text;
    await page.waitForTimeout(150);
  }
  throw new Error(`terminal ${tab} never showed ${re}; its screen:\n${text}`);
}

/** Type a command line into a terminal (focused by a click on its screen). */
async function typeLine(page, tab, line) {
  await page.locator(`[data-testid=terminal][data-tab="${tab}"] .xterm-screen`).click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** A screenshot of one part of the page (scrolled into view). */
async function partShot(locator, name) {
  await locator.scrollIntoViewIfNeeded();
  await locator.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Wait until the server's output matches re. */
async function serverSays(re, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (re.test(server.output)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`the server never logged ${re}`);
}

test('a lab with a VM: badge, serial console, screen (noVNC), read-only VM settings in the editor', { timeout: 10 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  if (missingVM.length) {
    const why = `missing ${missingVM.join('; ')}`;
    if (CI) assert.fail(why);
    t.skip(why);
    return;
  }
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(20_000);
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  // what the page's Content-Security-Policy refused (noVNC must need nothing it forbids)
  const cspConsole = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) cspConsole.push(m.text());
  });
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const times = [];

  // each step needs the ones before: after a failure the rest are skipped
  let failed = false;
  const stage = (name, fn) =>
    failed
      ? t.test(name, { skip: 'an earlier step failed' }, () => {})
      : step(t, page, name, async () => {
          const t0 = Date.now();
          try {
            await fn();
          } catch (e) {
            failed = true;
            throw e;
          } finally {
            times.push(`${((Date.now() - t0) / 1000).toFixed(1)} s  ${name}`);
          }
        });

  const services = page.getByTestId('services');
  const victim = services.locator('tr[data-service=victim]');
  const attacker = services.locator('tr[data-service=attacker]');
  const screen = page.getByTestId('vm-screen');
  let consoleTab = '';
  let csp = '';

  await stage('the lab page: the victim’s VM badge, Console and Screen (disabled), no Files', async () => {
    await login(page);
    await page.locator('.conn-open').waitFor();
    csp = (await fetch(`${server.base}/`)).headers.get('content-security-policy') ?? '';
    await page.goto(`${server.base}/#/lab/${VM.repo}/${VM.name}`);
    await page.getByRole('heading', { name: VM.title }).waitFor();
    await labStateIs(page, 'stopped', 20_000);
    const badge = victim.getByTestId('vm-badge');
    await badge.waitFor();
    assert.equal((await badge.innerText()).trim(), 'VM · 256 MiB · 1 CPU · VNC screen');
    assert.match((await badge.getAttribute('title')) ?? '', /kernel vm\/vmlinux, initrd vm\/initrd\.img/);
    assert.equal(await attacker.getByTestId('vm-badge').count(), 0, 'the attacker is a container');
    const consoleButton = victim.getByTestId('open-terminal');
    assert.equal((await consoleButton.innerText()).trim(), 'Console');
    assert.equal(await consoleButton.isDisabled(), true, 'no console while the lab is stopped');
    assert.equal(await victim.getByTestId('open-screen').isDisabled(), true, 'no screen while the lab is stopped');
    assert.equal(await victim.getByTestId('open-files').count(), 0, 'a VM has no Files (they would reach its helper container)');
    assert.equal((await attacker.getByTestId('open-terminal').innerText()).trim(), 'Terminal');
    assert.equal(await attacker.getByTestId('open-screen').count(), 0);
    await attacker.getByTestId('open-files').waitFor();
    // what the page reads when a screen's websocket is refused: a plain GET's JSON error
    const call = await apiSession();
    const refused = await call('GET', `${VM_API}/services/victim/screen`);
    assert.equal(refused.status, 409, 'no screen while the lab is stopped');
    assert.ok(refused.body?.error, 'a JSON error says why');
  });

  await stage('the lab starts from the page; the VM boots (up to 3 minutes)', async () => {
    const call = await apiSession();
    const { body } = await call('GET', VM_API);
    const asks = !body.trusted && (body.risks ?? []).length > 0;
    await page.getByTestId('start').click();
    if (asks) {
      // the VM's helper container asks for more than a plain container: trust the test's own repository
      await page.getByTestId('trust-start').click();
    }
    // the start waits for the VM's ready line; a failed start says why at once
    const failure = page.getByTestId('operation-error');
    const outcome = await Promise.race([
      labStateIs(page, 'running', 180_000).then(() => 'running'),
      failure.waitFor({ timeout: 180_000 }).then(() => 'failed'),
    ]);
    if (outcome === 'failed') throw new Error(`the start failed: ${await failure.innerText()}`);
    await victim.filter({ hasText: VICTIM_IP }).waitFor({ timeout: 30_000 });
    await victim.locator('[data-testid=open-terminal]:not([disabled])').waitFor();
    await victim.locator('[data-testid=open-screen]:not([disabled])').waitFor();
    await partShot(page.getByTestId('services-card'), 'vm-lab-badge');
  });

  await stage('the victim’s Console is its serial console: echo vm-$((6*7)) answers vm-42', async () => {
    await victim.getByTestId('open-terminal').click();
    const pane = page.locator('[data-testid=terminal][data-service=victim][data-status=open]');
    await pane.waitFor({ timeout: 30_000 });
    consoleTab = (await pane.getAttribute('data-tab')) ?? '';
    // a fresh prompt first (the console may show the end of the boot)
    await typeLine(page, consoleTab, '');
    await typeLine(page, consoleTab, 'echo vm-$((6*7))');
    await waitScreen(page, consoleTab, /^vm-42$/m, 30_000);
    await partShot(page.getByTestId('terminals'), 'vm-console');
  });

  await stage('the victim’s Screen: noVNC connects, its canvas has a size; no CSP violation', async () => {
    await victim.getByTestId('open-screen').click();
    await screen.waitFor();
    assert.equal(await screen.getAttribute('data-service'), 'victim');
    await page.locator('[data-testid=vm-screen][data-status=connected]').waitFor({ timeout: 30_000 });
    assert.match(await screen.getByTestId('vm-screen-status').innerText(), /connected/);
    assert.equal(await screen.getByTestId('vm-screen-cad').isDisabled(), false, 'Ctrl+Alt+Del once connected');
    // the VGA screen may be blank: the framebuffer and the canvas have a size
    await page.waitForFunction(() => {
      const c = document.querySelector('[data-testid=vm-screen-host] canvas');
      if (!c) return false;
      const r = c.getBoundingClientRect();
      return c.width > 0 && c.height > 0 && r.width > 0 && r.height > 0;
    }, null, { timeout: 15_000 });
    const size = await page.evaluate(() => {
      const c = document.querySelector('[data-testid=vm-screen-host] canvas');
      const r = c.getBoundingClientRect();
      return `${c.width}×${c.height} framebuffer, ${Math.round(r.width)}×${Math.round(r.height)} on the page`;
    });
    t.diagnostic(`the VM's screen: ${size}`);
    await serverSays(/screen opened/);
    // a container has no screen: the reason the page would show
    const call = await apiSession();
    const none = await call('GET', `${VM_API}/services/attacker/screen`);
    assert.equal(none.status, 409);
    assert.match(none.body?.error ?? '', /no screen/);
    // a screen that can be had answers a plain GET with 426 (a WebSocket is needed: the page names no refusal)
    const plain = await page.evaluate(async (p) => {
      const r = await fetch(p);
      return { status: r.status, type: r.headers.get('Content-Type') ?? '' };
    }, `${VM_API}/services/victim/screen`);
    assert.equal(plain.status, 426);
    // give the first frames a moment to paint before the picture
    await page.waitForTimeout(1000);
    await partShot(screen, 'vm-screen');
    const violations = await page.evaluate(() => window.__cspViolations ?? []);
    assert.deepEqual([...violations, ...cspConsole], [], 'the Content-Security-Policy refused nothing');
    assert.match(csp, /connect-src 'self'/, `the page's CSP: ${csp}`);
    assert.doesNotMatch(csp, /unsafe-eval|worker-src|blob:/, 'the CSP was not widened');
  });

  await stage('the Screen closes; the server ends its connection to the VM', async () => {
    await screen.getByTestId('vm-screen-close').click();
    await screen.waitFor({ state: 'detached' });
    await serverSays(/screen closed/);
  });

  await stage('the lab stops from the page: the console ended, the screen disconnected saying why', async () => {
    // a screen open again when the lab stops
    await victim.getByTestId('open-screen').click();
    await page.locator('[data-testid=vm-screen][data-status=connected]').waitFor({ timeout: 30_000 });
    await page.getByTestId('stop').click();
    await page.locator('[data-testid=vm-screen][data-status=disconnected]').waitFor({ timeout: 30_000 });
    assert.match(await screen.getByTestId('vm-screen-reason').innerText(), /disconnected: the VM stopped/);
    await labStateIs(page, 'stopped', 120_000);
    await page.locator(`[data-testid=terminal][data-tab="${consoleTab}"][data-status=ended]`).waitFor({ timeout: 30_000 });
    await victim.locator('[data-testid=open-screen][disabled]').waitFor();
    assert.equal(await screen.getByTestId('vm-screen-reconnect').isDisabled(), true, 'no reconnect to a stopped VM');
    await partShot(screen, 'vm-screen-stopped');
    await screen.getByTestId('vm-screen-close').click();
    await screen.waitFor({ state: 'detached' });
  });

  await stage('the editor shows the victim’s VM settings read-only, to edit in the Compose tab', async () => {
    await page.goto(`${server.base}/#/edit/${VM.repo}/${VM.name}`);
    const graph = page.getByTestId('graph');
    await graph.waitFor();
    const node = graph.locator('[data-testid=graph-service][data-name="victim"]');
    await node.click();
    const inspector = page.locator('[data-testid=inspector][data-name=victim]');
    await inspector.waitFor();
    const settings = inspector.getByTestId('vm-settings');
    await settings.waitFor();
    const field = async (name) => (await settings.locator(`[data-field="${name}"] dd`).innerText()).trim();
    assert.equal(await field('Kernel'), 'vm/vmlinux');
    assert.equal(await field('Initrd'), 'vm/initrd.img');
    assert.equal(await field('Memory'), '256 MiB');
    assert.equal(await field('CPUs'), '1 CPU');
    assert.match(await field('Console'), /^vnc/);
    assert.equal(await field('Ready when the console shows'), 'dsp-vm-ready');
    assert.equal(await settings.locator('input, select, textarea').count(), 0, 'nothing to edit');
    assert.match(await settings.getByTestId('vm-settings-note').innerText(), /edit them in the Compose tab/);
    // the attacker, a container, has none
    await graph.locator('[data-testid=graph-service][data-name="attacker"]').click();
    await page.locator('[data-testid=inspector][data-name=attacker]').waitFor();
    assert.equal(await page.getByTestId('vm-settings').count(), 0);
    await node.click();
    await settings.waitFor();
    await partShot(settings, 'vm-editor-settings');
    // its link opens the Compose tab (where x-dsp.vm is edited)
    await settings.getByTestId('vm-open-compose').click();
    await page.getByRole('tab', { name: 'Compose' }).and(page.locator('[aria-selected=true]')).waitFor();
    await page.locator('.cm-content', { hasText: 'x-dsp:' }).waitFor();
  });

  for (const line of times) t.diagnostic(line);
  assert.deepEqual(pageErrors, [], 'no uncaught errors on the page');
});
