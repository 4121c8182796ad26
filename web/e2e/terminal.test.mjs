// Browser test of the lab page's terminals and file transfer, against the
// real `dsp serve` and Docker (harness.mjs: DSP_BIN, DSP_SCREENSHOTS, CHROMIUM, CI).
//
// It starts Hello Flag, opens a terminal into `target` and reads `hostname`
// and /etc/motd in xterm's rows, interrupts a sleep with Ctrl-C, opens a
// second terminal and checks that each shows only its own output, follows the
// size of the panes (split view, full screen) with `stty size`, uploads a file
// and a folder into /tmp and downloads them back (same bytes; the folder as a
// .tar), sees the server's refusal of a missing path, then stops the lab and
// sees every terminal report that it ended; in Routed Network, terminals into
// two services each show their own host, and the service whose shell is off
// has no terminal button.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { browser, canRun, LAB, labStateIs, login, server, setup, shot, SHOTS, step, stopLabIfRunning, teardown } from './harness.mjs';

/** A lab of three services: shell into attacker and router, none into victim. */
const ROUTED = { repo: 'examples', name: 'routed-network' };
const ROUTED_API = `/api/labs/${ROUTED.repo}/${ROUTED.name}`;

before(setup);
after(async () => {
  await stopLabIfRunning(ROUTED_API).catch((e) => console.error('cleanup:', e));
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

/** Wait until a terminal's screen matches re; returns the text. */
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
async function run(page, tab, line) {
  await page.locator(`[data-testid=terminal][data-tab="${tab}"] .xterm-screen`).click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** The ids of the open terminals, in tab order. */
function tabIds(page) {
  return page.locator('[data-testid=terminals] .term-tab').evaluateAll((els) => els.map((e) => e.getAttribute('data-tab')));
}

/** `stty size` in a terminal: [rows, cols] as the shell sees them. */
async function sttySize(page, tab, marker) {
  await run(page, tab, `echo ${marker}_$(stty size | tr ' ' x)_END`);
  const text = await waitScreen(page, tab, new RegExp(`${marker}_\\d+x\\d+_END`));
  const m = new RegExp(`${marker}_(\\d+)x(\\d+)_END`).exec(text);
  return [Number(m[1]), Number(m[2])];
}

test('terminals and files on the lab page', { timeout: 10 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.setDefaultTimeout(20_000);
  const files = mkdtempSync(path.join(tmpdir(), 'dsp-e2e-files-'));
  t.after(() => rmSync(files, { recursive: true, force: true }));
  let first = '';
  let second = '';

  await step(t, page, 'the lab starts; its shell service offers a terminal', async () => {
    await login(page);
    await page.goto(`${server.base}/#/lab/${LAB.repo}/${LAB.name}`);
    await labStateIs(page, 'stopped', 20_000);
    const row = page.getByTestId('services').locator('tr[data-service=target]');
    // shell: true, but not running: the button is there and disabled; no files card yet
    assert.equal(await row.getByTestId('open-terminal').isDisabled(), true);
    assert.equal(await page.getByTestId('files').count(), 0);
    await page.getByTestId('start').click();
    await labStateIs(page, 'running', 180_000);
    await page.waitForFunction(() => !document.querySelector('tr[data-service=target] [data-testid=open-terminal]')?.disabled, null, {
      timeout: 30_000,
    });
  });

  await step(t, page, 'a terminal into target runs hostname and cat /etc/motd', async () => {
    await page.getByTestId('services').locator('tr[data-service=target]').getByTestId('open-terminal').click();
    await page.locator('[data-testid=terminal][data-status=open]').first().waitFor();
    [first] = await tabIds(page);
    assert.ok(first, 'a terminal tab is open');
    assert.match(await page.locator(`.term-tab[data-tab="${first}"]`).innerText(), /target/);
    await run(page, first, 'hostname');
    await waitScreen(page, first, /^hello-target$/m);
    await run(page, first, 'cat /etc/motd');
    const motd = readFileSync(path.resolve(import.meta.dirname, '../../examples/hello-flag/files/motd'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.length > 3);
    assert.ok(motd, 'the lab ships a motd');
    await waitScreen(page, first, new RegExp(motd.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    // Ctrl-C reaches the process: a long sleep is interrupted, the shell answers again
    await run(page, first, 'sleep 300');
    await page.waitForTimeout(400);
    await page.keyboard.press('Control+C');
    await run(page, first, 'echo INTR_$((20+3))');
    await waitScreen(page, first, /^INTR_23$/m, 10_000);
  });

  await step(t, page, 'a second terminal: each tab shows only its own output', async () => {
    await page.locator('[data-testid=terminals] [data-testid=terminal-new][data-service=target]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=terminal][data-status=open]').length === 2);
    const ids = await tabIds(page);
    assert.equal(ids.length, 2);
    second = ids[1];
    assert.notEqual(first, second);
    assert.match(await page.locator(`.term-tab[data-tab="${second}"]`).innerText(), /target 2/);
    // the new tab is the one shown; the first is hidden
    assert.equal(await page.locator(`[data-testid=terminal][data-tab="${first}"]`).isVisible(), false);
    await run(page, second, 'echo MARK_B_$((40+2))');
    await waitScreen(page, second, /^MARK_B_42$/m);
    await page.locator(`.term-tab[data-tab="${first}"] [role=tab]`).click();
    await page.locator(`[data-testid=terminal][data-tab="${first}"]`).waitFor({ state: 'visible' });
    await run(page, first, 'echo MARK_A_$((40+1))');
    await waitScreen(page, first, /^MARK_A_41$/m);
    assert.doesNotMatch(await screenText(page, first), /MARK_B/, 'the first terminal shows nothing of the second');
    await page.locator(`.term-tab[data-tab="${second}"] [role=tab]`).click();
    await page.locator(`[data-testid=terminal][data-tab="${second}"]`).waitFor({ state: 'visible' });
    const secondText = await waitScreen(page, second, /^MARK_B_42$/m);
    assert.doesNotMatch(secondText, /MARK_A|INTR_|hello-target/, 'the second terminal shows nothing of the first');
  });

  await step(t, page, 'the terminals follow their panes: split view, full screen', async () => {
    const [rows, cols] = await sttySize(page, second, 'ONE');
    assert.ok(rows >= 10 && cols >= 60, `a whole pane is large (${rows}x${cols})`);
    await page.getByTestId('terminal-split').click();
    await page.locator(`[data-testid=terminal][data-tab="${first}"]`).waitFor({ state: 'visible' });
    await page.locator(`[data-testid=terminal][data-tab="${second}"]`).waitFor({ state: 'visible' });
    const [, halfCols] = await sttySize(page, second, 'HALF');
    assert.ok(halfCols < cols * 0.7, `half a pane is narrower (${halfCols} < ${cols})`);
    // top, a full-screen program, draws and quits on q
    await run(page, first, 'top');
    await waitScreen(page, first, /Mem:|PID/);
    await page.keyboard.press('q');
    await run(page, first, 'echo AFTER_TOP_$((2*3))');
    await waitScreen(page, first, /^AFTER_TOP_6$/m);
    await page.locator('[data-testid=terminals]').scrollIntoViewIfNeeded();
    await shot(page, 'terminal');
    await page.getByTestId('terminal-fullscreen').click();
    await page.locator('.terms-full').waitFor();
    const box = await page.locator('[data-testid=terminals]').boundingBox();
    assert.ok(box && box.width >= 1270 && box.height >= 790, `full screen fills the window (${JSON.stringify(box)})`);
    const [fullRows] = await sttySize(page, second, 'FULL');
    assert.ok(fullRows > rows, `full screen has more rows (${fullRows} > ${rows})`);
    await page.screenshot({ path: path.join(SHOTS, 'terminal-fullscreen.png') }); // the window, not the page
    await page.getByTestId('terminal-fullscreen').click();
    assert.equal(await page.locator('.terms-full').count(), 0);
  });

  await step(t, page, 'a file and a folder go into /tmp and come back', async () => {
    const card = page.getByTestId('files');
    await card.waitFor();
    assert.equal(await card.getByTestId('files-service').inputValue(), 'target');
    assert.equal(await card.getByTestId('upload-path').inputValue(), '/tmp');
    const bytes = Buffer.from(`dsp e2e ${Date.now()}\nsecond line é ✓\n\u0000\u0001\u00ff binary tail\n`, 'utf8');
    await card.getByTestId('upload-files').setInputFiles({ name: 'dsp-e2e.txt', mimeType: 'text/plain', buffer: bytes });
    await page.waitForFunction(() => document.querySelector('[data-testid=upload-status]')?.getAttribute('data-kind') !== 'busy');
    const up = card.getByTestId('upload-status');
    assert.equal(await up.getAttribute('data-kind'), 'ok', await up.innerText());
    assert.match(await up.innerText(), /Uploaded 1 file/);
    // the terminal sees it
    await run(page, first, 'wc -c < /tmp/dsp-e2e.txt');
    await waitScreen(page, first, new RegExp(`^\\s*${bytes.length}$`, 'm'));

    await card.getByTestId('download-path').fill('/tmp/dsp-e2e.txt');
    const [download] = await Promise.all([page.waitForEvent('download'), card.getByTestId('download').click()]);
    assert.equal(download.suggestedFilename(), 'dsp-e2e.txt');
    const saved = path.join(files, 'back.txt');
    await download.saveAs(saved);
    assert.deepEqual(readFileSync(saved), bytes, 'the downloaded file has the uploaded bytes');

    // a folder, with a subfolder, through the webkitdirectory input
    const dir = path.join(files, 'e2e-folder');
    mkdirSync(path.join(dir, 'sub'), { recursive: true });
    writeFileSync(path.join(dir, 'a.txt'), 'folder file a\n');
    writeFileSync(path.join(dir, 'sub', 'b.txt'), 'folder file b\n');
    await card.getByTestId('upload-folder').setInputFiles(dir);
    await page.waitForFunction(() => /Uploaded 2 files/.test(document.querySelector('[data-testid=upload-status]')?.textContent ?? ''), null, {
      timeout: 20_000,
    });
    await run(page, first, 'cat /tmp/e2e-folder/sub/b.txt');
    await waitScreen(page, first, /^folder file b$/m);
    await card.getByTestId('download-path').fill('/tmp/e2e-folder');
    const [tar] = await Promise.all([page.waitForEvent('download'), card.getByTestId('download').click()]);
    assert.equal(tar.suggestedFilename(), 'e2e-folder.tar');
    const tarFile = path.join(files, 'folder.tar');
    await tar.saveAs(tarFile);
    const tarText = readFileSync(tarFile, 'latin1');
    assert.match(tarText, /sub\/b\.txt/, 'the tar holds the subfolder');
    assert.match(tarText, /folder file a/);

    // a file is no folder to upload into: the server's refusal is shown
    await card.getByTestId('upload-path').fill('/etc/motd');
    await card.getByTestId('upload-files').setInputFiles({ name: 'x.txt', mimeType: 'text/plain', buffer: Buffer.from('x') });
    await page.waitForFunction(() => document.querySelector('[data-testid=upload-status]')?.getAttribute('data-kind') === 'error');
    assert.match(await card.getByTestId('upload-status').innerText(), /not a folder/);
    await card.getByTestId('upload-path').fill('/tmp');

    // a missing path: the server's refusal is shown
    await card.getByTestId('download-path').fill('/no/such/path');
    await card.getByTestId('download').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=download-status]')?.getAttribute('data-kind') === 'error');
    const refused = await card.getByTestId('download-status').innerText();
    assert.ok(refused.length > 3 && !/^\d{3}\b/.test(refused), `a readable error (${refused})`);
    await shot(page, 'files');
  });

  await step(t, page, 'a shell that exits says its code; a new shell starts in the same tab', async () => {
    const pane = page.locator(`[data-testid=terminal][data-tab="${second}"]`);
    await run(page, second, 'exit 3');
    await page.locator(`[data-testid=terminal][data-tab="${second}"][data-status=exited]`).waitFor();
    assert.match(await pane.getByTestId('terminal-status').innerText(), /exited with code 3/);
    assert.equal(await page.locator(`.term-tab[data-tab="${second}"]`).getAttribute('data-status'), 'exited');
    await pane.getByRole('button', { name: 'New shell' }).click();
    await page.locator(`[data-testid=terminal][data-tab="${second}"][data-status=open]`).waitFor();
    assert.equal(await pane.getByTestId('terminal-status').count(), 0, 'no banner on a live terminal');
    await run(page, second, 'echo NEW_$((5+5))');
    await waitScreen(page, second, /^NEW_10$/m);
    // the other terminal lived on
    await run(page, first, 'echo STILL_$((1+1))');
    await waitScreen(page, first, /^STILL_2$/m);
  });

  await step(t, page, 'a dropped connection says disconnected; Reconnect opens a new session', async () => {
    // the terminal websockets pass through Playwright, which can drop one as a network would
    let drop = null;
    await page.routeWebSocket(/\/services\/target\/terminal\?/, (ws) => {
      ws.connectToServer();
      drop = () => ws.close({ code: 1001, reason: 'dropped by the test' });
    });
    await page.locator('[data-testid=terminals] [data-testid=terminal-new][data-service=target]').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=terminal][data-status=open]').length === 3);
    const third = (await tabIds(page))[2];
    await run(page, third, 'echo VIA_$((3*3))');
    await waitScreen(page, third, /^VIA_9$/m);
    assert.ok(drop, 'the websocket went through the route');
    drop();
    const pane = page.locator(`[data-testid=terminal][data-tab="${third}"]`);
    await page.locator(`[data-testid=terminal][data-tab="${third}"][data-status=disconnected]`).waitFor();
    assert.match(await pane.getByTestId('terminal-status').innerText(), /disconnected/);
    await pane.getByRole('button', { name: 'Reconnect' }).click();
    await page.locator(`[data-testid=terminal][data-tab="${third}"][data-status=open]`).waitFor();
    await run(page, third, 'echo AGAIN_$((4*4))');
    await waitScreen(page, third, /^AGAIN_16$/m);
    await page.getByRole('button', { name: 'Close terminal target 3' }).click();
    assert.equal((await tabIds(page)).length, 2);
  });

  await step(t, page, 'stopping the lab ends every terminal', async () => {
    await page.getByTestId('stop').click();
    await labStateIs(page, 'stopped', 90_000);
    await page.waitForFunction(
      () => {
        const panes = Array.from(document.querySelectorAll('[data-testid=terminal]'));
        return panes.length === 2 && panes.every((p) => ['ended', 'exited', 'disconnected', 'error'].includes(p.getAttribute('data-status') ?? ''));
      },
      null,
      { timeout: 30_000 },
    );
    const status = page.locator(`[data-testid=terminal][data-tab="${first}"] [data-testid=terminal-status]`);
    await status.waitFor();
    // the banner took some rows: the last output is still in view
    await waitScreen(page, first, /^STILL_2$/m, 5_000);
    assert.match(await status.innerText(), /stopp(ed|ing)|exited with code|disconnected/);
    // a new shell waits for the lab
    assert.equal(await status.getByRole('button', { name: /New shell|Reconnect/ }).isDisabled(), true);
    await page.locator('[data-testid=terminals]').scrollIntoViewIfNeeded();
    await shot(page, 'terminal-ended');
    // closing a tab removes it
    await page.getByRole('button', { name: 'Close terminal target 2' }).click();
    assert.deepEqual(await tabIds(page), [first]);
    await page.getByRole('button', { name: 'Close terminal target', exact: true }).click();
    assert.equal(await page.getByTestId('terminals').count(), 0);
    // the server's log: five terminals were opened (two tabs, a new shell, a third tab and its
    // reconnection), one websocket each, and all were closed (skipped if dsp stops logging these lines)
    const count = (re) => (server.output.match(re) ?? []).length;
    const opened = count(/terminal opened/g);
    if (opened > 0) {
      assert.equal(opened, 5, `five terminals were opened:\n${server.output.slice(-3000)}`);
      const deadline = Date.now() + 15_000;
      while (count(/terminal closed/g) < opened && Date.now() < deadline) await page.waitForTimeout(200);
      assert.equal(count(/terminal closed/g), opened, `every terminal was closed on the server:\n${server.output.slice(-3000)}`);
    }
  });

  await step(t, page, 'terminals into different services; none where the shell is off', async () => {
    await page.goto(`${server.base}/#/lab/${ROUTED.repo}/${ROUTED.name}`);
    await labStateIs(page, 'stopped', 20_000);
    const rows = page.getByTestId('services');
    assert.equal(await rows.locator('tr[data-service=victim]').getByTestId('open-terminal').count(), 0, 'no terminal button with shell: false');
    await page.getByTestId('start').click();
    await labStateIs(page, 'running', 180_000);
    for (const s of ['attacker', 'router']) {
      const button = rows.locator(`tr[data-service=${s}]`).getByTestId('open-terminal');
      await page.waitForFunction((el) => !el.disabled, await button.elementHandle(), { timeout: 30_000 });
      await button.click();
      await page.waitForFunction((n) => document.querySelectorAll('[data-testid=terminal][data-status=open]').length === n, s === 'attacker' ? 1 : 2);
    }
    const [attacker, router] = await tabIds(page);
    assert.equal(await page.locator(`.term-tab[data-tab="${attacker}"]`).getAttribute('data-service'), 'attacker');
    await run(page, router, 'hostname');
    await waitScreen(page, router, /^router$/m);
    await page.getByTestId('terminal-split').click();
    await run(page, attacker, 'hostname');
    await waitScreen(page, attacker, /^attacker$/m);
    assert.doesNotMatch(await screenText(page, router), /^attacker$/m);
    assert.doesNotMatch(await screenText(page, attacker), /^router$/m);
    // the files card offers the shell services only
    const select = page.getByTestId('files').getByTestId('files-service');
    assert.equal(await select.locator('option[value=victim]').isDisabled(), true);
    await page.getByTestId('stop').click();
    await labStateIs(page, 'stopped', 90_000);
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[data-testid=terminal]')).every((p) => p.getAttribute('data-status') !== 'open'),
    );
  });

  assert.deepEqual(pageErrors, [], 'no uncaught error in the page');
});
