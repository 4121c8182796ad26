// Browser test of the lab page's Flag and Checks cards, against the real
// `dsp serve` and Docker (harness.mjs: DSP_BIN, DSP_SCREENSHOTS, CHROMIUM, CI).
//
// On Hello Flag: before the start the Flag card is disabled and says why and
// the lab was never tested; the lab starts from the page; the Flag card
// refuses a wrong flag ("Wrong flag") and accepts the one the start planted
// (read from the container with `dsp shell … cat /home/alice/proof.txt`),
// both announced in a status region; "Run checks" follows its live log and
// then shows every check passed, and the last run as a passed checks run;
// the lab stops; "Test lab" runs the whole cycle on its own instance (the
// page keeps showing the lab stopped) and every step passes; on a lab written
// for the test, a failing check shows its message and output; the catalogue
// then marks Hello Flag "tests pass" and that lab "tests fail". Screenshots
// in both themes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { browser, canRun, DSP_BIN, LAB, labStateIs, login, server, setup, shot, step, stopLabIfRunning, teardown } from './harness.mjs';

/** A lab written for this test: one check passes, one fails with output. */
const BROKEN = { repo: 'examples', name: 'broken-check' };
const BROKEN_API = `/api/labs/${BROKEN.repo}/${BROKEN.name}`;
const BROKEN_COMPOSE = `x-dsp:
  title: Broken Check
  description: A lab whose second check fails, to see how a failure is shown.
  checks:
    - name: box answers
      service: box
      command: [true]
    - name: the secret exists
      service: box
      command: "echo looking for /secret; ls /secret; exit 3"
      timeout: 1s
services:
  box:
    image: dsp/busybox:latest
    command: [sleep, "3600"]
`;

before(setup);
after(async () => {
  await stopLabIfRunning(BROKEN_API).catch((e) => console.error('cleanup:', e));
  await teardown();
});

/** The flag the running lab planted, read inside its container with the dsp CLI. */
function plantedFlag() {
  const out = execFileSync(DSP_BIN, ['--home', server.home, 'shell', `${LAB.repo}/${LAB.name}`, 'target', '--', 'cat', '/home/alice/proof.txt'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return out.trim();
}

test('checks and flag on the lab page', { timeout: 10 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.setDefaultTimeout(20_000);

  const flagCard = page.getByTestId('flag-card');
  const checksCard = page.getByTestId('checks-card');
  const result = page.getByTestId('flag-result');

  await step(t, page, 'a stopped lab: the flag cannot be submitted yet, checks never ran', async () => {
    await login(page);
    await page.goto(`${server.base}/#/lab/${LAB.repo}/${LAB.name}`);
    await page.getByRole('heading', { name: LAB.title }).waitFor();
    await labStateIs(page, 'stopped', 20_000);
    await flagCard.waitFor();
    assert.equal(await page.getByTestId('flag-input').isDisabled(), true, 'the flag input is disabled while stopped');
    assert.equal(await page.getByTestId('flag-submit').isDisabled(), true, 'Submit is disabled while stopped');
    assert.match(await flagCard.innerText(), /Start the lab/);
    await checksCard.waitFor();
    assert.equal(await page.getByTestId('run-checks').isDisabled(), true, 'Run checks is disabled while stopped');
    assert.equal(await page.getByTestId('test-lab').isEnabled(), true, 'Test lab is enabled while stopped');
    assert.match(await checksCard.innerText(), /separate instance|instance named “test”/, 'the hint explains Test lab');
    const rows = checksCard.getByTestId('check-row');
    assert.ok((await rows.count()) >= 3, 'the card lists the lab checks');
    const text = await checksCard.innerText();
    for (const kind of ['command', 'tcp', 'http']) assert.match(text, new RegExp(`\\b${kind}\\b`), `a ${kind} check is listed`);
    assert.match(text, /alice exists/);
    assert.match(text, /telnet answers/);
    await page.getByTestId('last-run-none').waitFor();
  });

  await step(t, page, 'the lab starts from the page', async () => {
    await page.getByTestId('start').click();
    await labStateIs(page, 'running', 180_000);
    await page.waitForFunction(() => /Start · done/.test(document.querySelector('.activity')?.textContent ?? ''), null, {
      timeout: 60_000,
    });
    await page.waitForFunction(() => !document.querySelector('[data-testid=flag-input]')?.disabled);
  });

  await step(t, page, 'a wrong flag is refused', async () => {
    const input = page.getByTestId('flag-input');
    await input.fill('FLAG{not-the-flag}');
    await page.getByTestId('flag-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=flag-result]')?.getAttribute('data-correct') === 'false');
    assert.equal(await result.getAttribute('role'), 'status');
    assert.equal(await result.getAttribute('aria-live'), 'polite');
    assert.match(await result.innerText(), /Wrong flag/);
    assert.doesNotMatch(await result.innerText(), /Correct/);
    await shot(page, 'flag-wrong');
  });

  await step(t, page, 'the planted flag is accepted', async () => {
    const flag = plantedFlag();
    assert.match(flag, /^\S+\{.+\}$/, `the flag read from the container looks like a flag: ${JSON.stringify(flag)}`);
    await page.getByTestId('flag-input').fill(flag);
    await page.getByTestId('flag-submit').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=flag-result]')?.getAttribute('data-correct') === 'true');
    assert.match(await result.innerText(), /Correct/);
    assert.equal(await page.getByTestId('flag-error').count(), 0, 'no error');
    await flagCard.scrollIntoViewIfNeeded();
    await shot(page, 'flag-correct');
  });

  await step(t, page, 'Run checks shows every check passed', async () => {
    const run = page.getByTestId('run-checks');
    await page.waitForFunction(() => !document.querySelector('[data-testid=run-checks]')?.disabled);
    await run.click();
    // the live log of the run, in the card (folded into "Log of the last checks run" once the run
    // ends: a fast run may end before the log is seen open), then the report of the run
    await checksCard.getByTestId('progress-log').waitFor({ state: 'attached', timeout: 30_000 });
    await page.waitForFunction(
      () => document.querySelector('[data-testid=last-run]')?.getAttribute('data-mode') === 'checks',
      null,
      { timeout: 120_000 },
    );
    const lastRun = checksCard.getByTestId('last-run');
    assert.equal(await lastRun.getAttribute('data-status'), 'passed', await checksCard.innerText());
    assert.match(await lastRun.innerText(), /passed/, 'the status is written, not only coloured');
    const rows = checksCard.getByTestId('check-row');
    const n = await rows.count();
    assert.ok(n >= 3, `${n} checks listed`);
    for (let i = 0; i < n; i++) {
      const row = rows.nth(i);
      assert.equal(await row.getAttribute('data-status'), 'passed', `check ${await row.getAttribute('data-check')}: ${await row.innerText()}`);
      assert.match(await row.innerText(), /passed/);
    }
    assert.equal(await page.getByTestId('operation-error').count(), 0, 'no operation error');
    assert.match(await page.locator('.activity').innerText(), /Checks · done/);
    // the lab still runs
    assert.equal(await page.locator('.lab-head [data-state]').getAttribute('data-state'), 'running');
    await checksCard.scrollIntoViewIfNeeded();
    await shot(page, 'checks-passed');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await shot(page, 'checks-passed-dark');
    await page.getByRole('button', { name: 'Light theme' }).click();
  });

  await step(t, page, 'the lab stops; the flag card says to start it', async () => {
    await page.waitForFunction(() => !document.querySelector('[data-testid=stop]')?.disabled);
    await page.getByTestId('stop').click();
    await labStateIs(page, 'stopped', 90_000);
    await page.waitForFunction(() => document.querySelector('[data-testid=flag-input]')?.disabled === true);
    assert.equal(await page.getByTestId('run-checks').isDisabled(), true);
    // the last run is still shown after the stop
    assert.equal(await checksCard.getByTestId('last-run').getAttribute('data-status'), 'passed');
  });

  await step(t, page, 'Test lab runs the whole cycle on its own instance; the lab stays stopped', async () => {
    // state events of the "test" instance must not move the page's lab
    await page.evaluate(() => {
      window.__states = [];
      const badge = () => document.querySelector('.lab-head [data-state]')?.getAttribute('data-state');
      window.__stateObserver = new MutationObserver(() => window.__states.push(badge()));
      window.__stateObserver.observe(document.querySelector('.lab-head'), { subtree: true, attributes: true, childList: true });
    });
    await page.waitForFunction(() => !document.querySelector('[data-testid=test-lab]')?.disabled);
    await page.getByTestId('test-lab').click();
    await checksCard.getByTestId('progress-log').waitFor({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid=last-run]')?.getAttribute('data-mode') === 'test', null, {
      timeout: 300_000,
    });
    const lastRun = checksCard.getByTestId('last-run');
    assert.equal(await lastRun.getAttribute('data-status'), 'passed', await checksCard.innerText());
    assert.match(await lastRun.innerText(), /instance “test”/);
    const steps = checksCard.getByTestId('test-steps');
    for (const kind of ['validate', 'up', 'solve', 'flag', 'down']) {
      assert.equal(await steps.locator(`li[data-step=${kind}]`).getAttribute('data-status'), 'passed', `the ${kind} step passed`);
    }
    const states = await page.evaluate(() => {
      window.__stateObserver.disconnect();
      return window.__states;
    });
    assert.ok(states.every((st) => st === 'stopped'), `the lab's own state stayed stopped during the test: ${states.join(', ')}`);
    assert.equal(await page.getByTestId('start').isEnabled(), true, 'Start is enabled again');
    await checksCard.scrollIntoViewIfNeeded();
    await shot(page, 'test-passed');
  });

  await step(t, page, 'a failing check shows its message and output', async () => {
    const dir = path.join(server.home, BROKEN.repo, BROKEN.name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, '.dsp'), '');
    writeFileSync(path.join(dir, 'compose.yaml'), BROKEN_COMPOSE);
    await page.goto(`${server.base}/#/lab/${BROKEN.repo}/${BROKEN.name}`);
    await page.getByRole('heading', { name: 'Broken Check' }).waitFor();
    await labStateIs(page, 'stopped', 20_000);
    assert.equal(await page.getByTestId('flag-card').count(), 0, 'no Flag card for a lab without a flag');
    await page.getByTestId('start').click();
    await labStateIs(page, 'running', 120_000);
    await page.waitForFunction(() => !document.querySelector('[data-testid=run-checks]')?.disabled, null, { timeout: 30_000 });
    await page.getByTestId('run-checks').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=last-run]')?.getAttribute('data-status') === 'failed', null, {
      timeout: 120_000,
    });
    const ok = checksCard.locator('[data-check="box answers"]');
    const bad = checksCard.locator('[data-check="the secret exists"]');
    assert.equal(await ok.getAttribute('data-status'), 'passed');
    assert.equal(await bad.getAttribute('data-status'), 'failed');
    assert.match(await bad.innerText(), /failed/, 'the failure is written, not only coloured');
    assert.match(await bad.getByTestId('step-output').innerText(), /looking for \/secret/, 'the output of the failed check is shown');
    const error = page.getByTestId('operation-error');
    await error.waitFor();
    assert.match(await error.innerText(), /Checks failed/);
    assert.match(await error.innerText(), /the secret exists/, 'the operation error names the failed check');
    await checksCard.scrollIntoViewIfNeeded();
    await shot(page, 'checks-failed');
    await page.waitForFunction(() => !document.querySelector('[data-testid=stop]')?.disabled);
    await page.getByTestId('stop').click();
    await labStateIs(page, 'stopped', 90_000);
  });

  await step(t, page, 'the catalogue shows which labs pass their tests', async () => {
    await page.goto(`${server.base}/#/`);
    await page.getByTestId('lab-search').waitFor();
    const passing = page.locator(`[data-lab="${LAB.repo}/${LAB.name}"] [data-testid=test-badge]`);
    const failing = page.locator(`[data-lab="${BROKEN.repo}/${BROKEN.name}"] [data-testid=test-badge]`);
    await passing.waitFor();
    await failing.waitFor();
    // Hello Flag: the Test lab run above, passed
    assert.equal(await passing.getAttribute('data-status'), 'passed');
    assert.match(await passing.innerText(), /tests pass/, 'the result is written, not only coloured');
    assert.match(await passing.getAttribute('title'), /^Last test \(full cycle\), .+: passed$/);
    // Broken Check: its failed checks run
    assert.equal(await failing.getAttribute('data-status'), 'failed');
    assert.match(await failing.innerText(), /tests fail/);
    assert.match(await failing.getAttribute('title'), /^Last checks run, .+: failed \(1 failed step\)$/);
    // a lab never tested has no badge
    assert.equal(await page.locator('[data-lab="examples/routed-network"] [data-testid=test-badge]').count(), 0, 'no badge on an untested lab');
    await shot(page, 'catalogue-tested');
    await page.getByRole('button', { name: 'Dark theme' }).click();
    await shot(page, 'catalogue-tested-dark');
    await page.getByRole('button', { name: 'Light theme' }).click();
  });

  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
});
