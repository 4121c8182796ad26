// End-to-end test of the web UI against the real `dsp serve` and the real
// Docker Engine, in Debian's Chromium driven by playwright-core (no browser
// is ever downloaded).
//
// (DSP_BIN, DSP_SCREENSHOTS, CHROMIUM, CI: see harness.mjs.)
//
// It logs in (after a refused wrong password), finds the example lab
// "Hello Flag" by searching, starts it, sees it running with its IPv4
// address and the progress log, visits the images and settings pages, stops
// the lab and sees it stopped; a screenshot of each main page is saved.
// Whatever happens, the lab is stopped through the API and the server killed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { adminPassword, apiSession, browser, canRun, LAB, LAB_API, server, setup, shot, step, teardown } from './harness.mjs';

before(setup);
after(teardown);

test('the web UI: login, catalogue, start and stop a lab, images, settings', { timeout: 10 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
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

    const secret = adminPassword();
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
