// Browser test of the lab editor against the real `dsp serve` and Docker
// (harness.mjs: DSP_BIN, DSP_SCREENSHOTS, CHROMIUM, CI).
//
//  1. New lab "net-lab" from the catalogue opens its editor (its starter
//     service deleted with the Delete key). In the graph, by
//     mouse and keyboard: a network dragged from the palette and one added
//     with Shift+N (subnets 10.77.1.0/24 and 10.77.2.0/28), three services
//     added with N (image dsp/busybox:latest, command `sleep 3600`); one
//     attached by dragging from its handle to a network, the others from the
//     side panel, the middle one on both networks; static addresses typed
//     (the middle one's on net2 too), one suggested. Ctrl+S
//     saves; Start from the editor; the containers have those addresses
//     (GET …/status); Stop.
//  2. The compose text: a YAML error marks its line and says what is wrong;
//     undo mends it; an unknown key is a problem on its line; a service
//     renamed in the text appears renamed in the graph.
//  3. The lab running again, one service's command changed in the graph:
//     Apply's plan names only that service, and after the apply only its
//     container is new (ids from …/status).
//  4. Lab management: a lab's page offers Edit, Rename (the page follows the
//     new name), Export (a .tar.gz download) and Delete (refused with the
//     reason while the lab runs, then done); a lab of another repository
//     opens read-only in the editor, and "Copy to my labs" makes an editable
//     copy; Import… takes a compose file and opens the new lab's editor.
// Whatever happens, the labs are stopped through the API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiSession, browser, canRun, login, server, setup, shot, step, stopLabIfRunning, teardown } from './harness.mjs';

const LAB_NAME = 'net-lab';
const lab = { repo: '', api: '' };

before(setup);
const MANAGED = 'manage-me';
after(async () => {
  if (lab.api) await stopLabIfRunning(lab.api).catch((e) => console.error('cleanup:', e));
  if (lab.repo) {
    for (const name of [MANAGED, 'renamed-lab']) {
      await stopLabIfRunning(`/api/labs/${encodeURIComponent(lab.repo)}/${name}`).catch((e) => console.error('cleanup:', e));
    }
  }
  await teardown();
});

/** Resolves when the editor's state badge says `state`. */
function editorStateIs(page, state, timeout = 90_000) {
  return page.waitForFunction(
    (want) => document.querySelector('.editor-head [data-state]')?.getAttribute('data-state') === want,
    state,
    { timeout },
  );
}

/** Drag with the mouse from one element's centre to another's, in steps (xyflow follows pointer moves). */
async function dragBetween(page, from, to) {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  assert.ok(a && b, 'both ends are on screen');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  const steps = 12;
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(a.x + a.width / 2 + ((b.x + b.width / 2 - a.x - a.width / 2) * i) / steps, a.y + a.height / 2 + ((b.y + b.height / 2 - a.y - a.height / 2) * i) / steps);
  }
  await page.mouse.up();
}

/** The text of the editor's problems count, as a number. */
async function problemCount(page) {
  return Number(await page.getByTestId('problems-count').getAttribute('data-count'));
}

/** Wait until the editor has no render or parse on its way. */
async function synced(page) {
  await page.waitForFunction(() => !document.querySelector('[data-testid=save-state] [aria-label=syncing]'), null, { timeout: 15_000 });
}

test('the lab editor: build a lab in the graph, edit its text, apply a change to it running', { timeout: 15 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(20_000);
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  const call = await apiSession();
  const settings = await call('GET', '/api/settings');
  lab.repo = settings.body.personalRepo;
  assert.ok(lab.repo, 'there is a personal repository');
  lab.api = `/api/labs/${encodeURIComponent(lab.repo)}/${LAB_NAME}`;
  await stopLabIfRunning(lab.api);

  // each step needs the ones before: after a failure the rest are skipped
  let failed = false;
  const stage = (name, fn) =>
    failed
      ? t.test(name, { skip: 'an earlier step failed' }, () => {})
      : step(t, page, name, async () => {
          try {
            await fn();
          } catch (e) {
            failed = true;
            throw e;
          }
        });

  const graph = page.getByTestId('graph');
  const pane = graph.locator('.react-flow__pane');
  const inspector = page.getByTestId('inspector');
  const service = (name) => graph.locator(`[data-testid=graph-service][data-name="${name}"]`);
  const network = (name) => graph.locator(`[data-testid=graph-network][data-name="${name}"]`);
  /** click an empty corner of the canvas: nothing selected, the focus off the side panel */
  const clickPane = () => pane.click({ position: { x: 30, y: 380 } });
  const select = async (loc) => {
    await loc.click();
    await inspector.waitFor();
  };

  await stage('New lab "net-lab" from the catalogue opens its editor; its starter service deleted', async () => {
    await login(page);
    await page.locator('.conn-open').waitFor();
    await page.getByRole('button', { name: 'New lab' }).click();
    const dialog = page.getByRole('dialog', { name: 'New lab' });
    await dialog.waitFor();
    await dialog.getByLabel('Lab name').fill(LAB_NAME);
    await shot(page, 'editor-new-lab');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(new RegExp(`#/edit/${lab.repo}/${LAB_NAME}$`));
    await page.getByRole('heading', { name: `Edit ${LAB_NAME}` }).waitFor();
    await graph.waitFor();
    assert.equal(await page.getByRole('tab', { name: 'Graph' }).getAttribute('aria-selected'), 'true');
    // a new lab has one service to start from: selected and deleted with the Delete key
    await service('box').waitFor();
    await shot(page, 'editor-new');
    await select(service('box'));
    await page.keyboard.press('Delete');
    await service('box').waitFor({ state: 'detached' });
    await synced(page);
  });

  await stage('two networks: one dragged from the palette, one with Shift+N; their subnets', async () => {
    const box = await pane.boundingBox();
    await page.getByTestId('palette-network').dragTo(pane, { targetPosition: { x: box.width * 0.3, y: box.height * 0.45 } });
    await network('net1').waitFor();
    // the new node is selected: its panel
    assert.equal(await inspector.getAttribute('data-name'), 'net1');
    await inspector.getByLabel('Subnet').fill('10.77.1.0/24');

    await clickPane();
    await page.keyboard.press('Shift+N');
    await network('net2').waitFor();
    assert.equal(await inspector.getAttribute('data-name'), 'net2');
    // an overlapping subnet is refused as you type, said beside the field
    await inspector.getByLabel('Subnet').fill('10.77.1.128/25');
    await inspector.getByTestId('network-problems').waitFor();
    assert.match(await inspector.getByTestId('network-problems').innerText(), /overlap/i);
    await shot(page, 'editor-overlap');
    await inspector.getByLabel('Subnet').fill('10.77.2.0/28');
    await inspector.getByTestId('network-problems').waitFor({ state: 'detached' });
  });

  await stage('three services with N: image and command', async () => {
    for (const name of ['service1', 'service2', 'service3']) {
      await clickPane();
      await page.keyboard.press('n');
      await service(name).waitFor();
      assert.equal(await inspector.getAttribute('data-name'), name);
      await inspector.getByLabel('Image', { exact: true }).fill('dsp/busybox:latest');
      await inspector.getByLabel('Command', { exact: true }).fill('sleep 3600');
    }
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await synced(page);
    // every node in view (Auto-layout fits; the control too)
    await page.getByRole('button', { name: 'Fit View' }).click();
    await page.waitForTimeout(400);
    for (const n of [network('net1'), network('net2'), service('service1')]) assert.ok(await n.isVisible());
  });

  await stage('attach: service1 by dragging to net1, service2 on both networks, service3 on net2', async () => {
    await dragBetween(page, service('service1').locator('.react-flow__handle-top'), network('net1').locator('.react-flow__handle-bottom'));
    await graph.locator('.react-flow__edge').first().waitFor();
    await select(service('service1'));
    await inspector.locator('[data-testid=attachment][data-network=net1]').waitFor();

    await select(service('service2'));
    await inspector.getByLabel('Attach to network').selectOption('net1');
    await inspector.getByLabel('Attach to network').selectOption('net2');
    await select(service('service3'));
    await inspector.getByLabel('Attach to network').selectOption('net2');
    await page.getByRole('button', { name: 'Auto-layout' }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=graph] .react-flow__edge').length === 4);
  });

  const ips = { service1: '10.77.1.10', service3: '' };
  await stage('static addresses: one typed, one suggested', async () => {
    await select(service('service1'));
    await inspector.getByLabel('Address on net1', { exact: true }).fill(ips.service1);
    // service2 takes the top address of net2; the suggestion is the highest free one below it
    // (free-address answers from the top: Docker gives automatic addresses from the bottom)
    await select(service('service2'));
    await inspector.getByLabel('Address on net2', { exact: true }).fill('10.77.2.14');
    await select(service('service3'));
    await inspector.getByRole('button', { name: 'Suggest a free address on net2' }).click();
    await page.waitForFunction(() => {
      const i = document.querySelector('[data-testid=inspector] input[aria-label="Address on net2"]');
      return i && i.value !== '';
    });
    ips.service3 = await inspector.getByLabel('Address on net2', { exact: true }).inputValue();
    assert.equal(ips.service3, '10.77.2.13', 'the highest free address of 10.77.2.0/28 below service2\'s');
    await synced(page);
    assert.equal(await problemCount(page), 0, 'no problems');
    // the text has them: the Compose view
    await page.getByRole('tab', { name: 'Compose' }).click();
    const text = await page.locator('.cm-content').innerText();
    for (const want of ['net1:', 'net2:', '10.77.1.0/24', '10.77.2.0/28', 'service3:', ips.service1, ips.service3, 'dsp/busybox:latest', 'sleep']) {
      assert.ok(text.includes(want), `the compose text has ${want}:\n${text}`);
    }
    await page.getByRole('tab', { name: 'Graph' }).click();
    await graph.waitFor();
    await shot(page, 'editor-graph');
  });

  await stage('Ctrl+S saves; Start from the editor; the containers have those addresses; Stop', async () => {
    await clickPane();
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => /^Saved/.test(document.querySelector('[data-testid=save-state]')?.textContent ?? ''));
    assert.equal(await page.getByTestId('save-state').innerText(), 'Saved');
    await page.getByTestId('editor-start').click();
    await editorStateIs(page, 'running');
    await page.getByTestId('progress-log').waitFor();
    const { body } = await call('GET', `${lab.api}/status`);
    const addr = (svc, net) => (body.services.find((s) => s.name === svc)?.networks ?? []).find((n) => n.name === net || n.name.endsWith(`_${net}`))?.ip;
    assert.equal(addr('service1', 'net1'), ips.service1, JSON.stringify(body.services));
    assert.equal(addr('service3', 'net2'), ips.service3);
    assert.ok(addr('service2', 'net1'), 'service2 is on both networks');
    assert.equal(addr('service2', 'net2'), '10.77.2.14');
    await shot(page, 'editor-running');
    await page.getByTestId('editor-stop').click();
    await editorStateIs(page, 'stopped');
  });

  await stage('the compose text: a syntax error marks its line; undo; an unknown key; a rename in the text renames in the graph', async () => {
    await page.getByRole('tab', { name: 'Compose' }).click();
    const content = page.locator('.cm-content');
    await content.waitFor();
    // a bad indentation under service3's image
    const imageLine = page.locator('.cm-line', { hasText: /^\s+image: dsp\/busybox:latest$/ }).last();
    await imageLine.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Home');
    await page.keyboard.type(' oops: [');
    const syntax = page.getByTestId('syntax-error');
    await syntax.waitFor();
    const line = Number(await syntax.getAttribute('data-line'));
    assert.ok(line > 0, 'the error names a line');
    assert.match(await syntax.innerText(), new RegExp(`Line ${line}`));
    await page.locator(`.cm-problem-line[data-problem-line="${line}"]`).waitFor();
    await page.locator('.cm-lint-marker-error').first().waitFor();
    assert.ok((await problemCount(page)) >= 1);
    await page.getByRole('tab', { name: 'Graph' }).click();
    await page.getByTestId('graph-stale').waitFor();
    await page.getByRole('tab', { name: 'Compose' }).click();
    await shot(page, 'editor-syntax-error');

    // undo (the editor's own, Ctrl+Z in the text) takes the burst of typing back
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+z');
    await syntax.waitFor({ state: 'detached' });
    assert.ok(!(await page.locator('.cm-content').innerText()).includes('oops'), 'the typing is undone');

    // an unknown key: a problem on its line
    const shellLine = page.locator('.cm-line', { hasText: /^\s+image: dsp\/busybox:latest$/ }).last();
    await shellLine.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('colour: blue');
    const problem = page.getByTestId('problem').filter({ hasText: /colour/ });
    await problem.waitFor();
    const pline = Number(await problem.getAttribute('data-line'));
    assert.ok(pline > 0, 'the problem names its line');
    await page.locator(`.cm-problem-line[data-problem-line="${pline}"]`).waitFor();
    await shot(page, 'editor-unknown-key');
    // fixed by hand: the line selected and deleted
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.press('Backspace'); // the line's text
    await page.keyboard.press('Backspace'); // and its line break
    await problem.waitFor({ state: 'detached' });

    // rename service3 to db in the text
    const keyLine = page.locator('.cm-line', { hasText: /^\s+service3:\s*$/ });
    await keyLine.click();
    await page.keyboard.press('End');
    await page.keyboard.press('Shift+Home');
    await page.keyboard.type('db:');
    await synced(page);
    assert.equal(await problemCount(page), 0, 'no problems after the fixes');
    await page.getByRole('tab', { name: 'Graph' }).click();
    await service('db').waitFor();
    assert.equal(await service('service3').count(), 0, 'service3 is now db');
    await select(service('db'));
    assert.equal(await inspector.getByLabel('Address on net2', { exact: true }).inputValue(), ips.service3, 'db keeps its address');
    await shot(page, 'editor-renamed');
    await clickPane();
    await page.keyboard.press('Control+s');
    await page.waitForFunction(() => document.querySelector('[data-testid=save-state]')?.textContent === 'Saved');
  });

  await stage('a running lab: change one service, Apply: only it is recreated', async () => {
    await page.getByTestId('editor-start').click();
    await editorStateIs(page, 'running');
    const before = await call('GET', `${lab.api}/status`);
    const ids = Object.fromEntries(before.body.services.map((s) => [s.name, s.containerId]));
    assert.ok(ids.db && ids.service1 && ids.service2, `container ids: ${JSON.stringify(ids)}`);

    await select(service('db'));
    await inspector.getByLabel('Command', { exact: true }).fill('sleep 3601');
    await synced(page);
    await page.getByTestId('apply').click();
    const dialog = page.getByTestId('apply-dialog');
    await dialog.waitFor();
    const sentence = await dialog.getByTestId('plan-sentence').innerText();
    assert.match(sentence, /recreate db/, sentence);
    assert.match(sentence, /leave service1, service2 as they are/, sentence);
    const recreated = await dialog.locator('[data-plan=recreate]').evaluateAll((els) => els.map((e) => e.getAttribute('data-service')));
    assert.deepEqual(recreated, ['db']);
    assert.equal(await dialog.locator('[data-plan=create], [data-plan=remove]').count(), 0);
    await shot(page, 'editor-apply-plan');
    await dialog.getByRole('button', { name: 'Apply' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await page.waitForFunction(
      () => document.querySelector('.editor-log .section-sub')?.textContent === 'succeeded' || document.querySelector('.editor-log .section-sub')?.textContent === 'done',
      null,
      { timeout: 90_000 },
    );
    await editorStateIs(page, 'running');
    const after = await call('GET', `${lab.api}/status`);
    const now = Object.fromEntries(after.body.services.map((s) => [s.name, s.containerId]));
    assert.notEqual(now.db, ids.db, 'db was recreated');
    assert.equal(now.service1, ids.service1, 'service1 was left as it was');
    assert.equal(now.service2, ids.service2, 'service2 was left as it was');
    await shot(page, 'editor-applied');
    await page.getByTestId('editor-stop').click();
    await editorStateIs(page, 'stopped');
  });

  assert.deepEqual(consoleErrors, [], 'no uncaught errors in the page');
  void server;
});

test('lab management: edit, rename, export, delete; a read-only lab copied to my labs; import', { timeout: 10 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(20_000);
  const call = await apiSession();
  const repo = (await call('GET', '/api/settings')).body.personalRepo;
  lab.repo = repo;
  const made = await call('POST', '/api/labs', { name: MANAGED });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.equal(made.body.name, MANAGED);
  const renamedApi = `/api/labs/${encodeURIComponent(repo)}/renamed-lab`;
  const files = mkdtempSync(path.join(tmpdir(), 'dsp-e2e-import-'));
  t.after(() => rmSync(files, { recursive: true, force: true }));

  await step(t, page, 'the lab page: Edit opens the editor; Rename; Export downloads a .tar.gz', async () => {
    if (!page.url().includes('#/')) await login(page);
    await page.goto(`${server.base}/#/lab/${encodeURIComponent(repo)}/${MANAGED}`);
    await page.getByTestId('lab-page').waitFor();
    await page.getByTestId('edit-lab').click();
    await page.waitForURL(new RegExp(`#/edit/${repo}/${MANAGED}$`));
    await page.getByTestId('graph').waitFor();
    assert.equal(await page.getByTestId('read-only').count(), 0, 'a lab of the personal repository is editable');
    await page.goBack();
    await page.getByTestId('lab-page').waitFor();

    await page.getByRole('button', { name: 'Rename' }).click();
    const dialog = page.getByTestId('rename-dialog');
    await dialog.getByLabel('Lab name').fill('renamed-lab');
    await dialog.getByRole('button', { name: 'Rename' }).click();
    await page.waitForURL(/#\/lab\/[^/]+\/renamed-lab$/);
    await page.getByTestId('lab-page').waitFor();
    assert.equal((await call('GET', renamedApi)).status, 200);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()]);
    assert.match(download.suggestedFilename(), /renamed-lab.*\.tar\.gz$/);
    await shot(page, 'lab-manage');
  });

  await step(t, page, 'Delete asks in a dialog, is refused while the lab runs, then deletes it', async () => {
    const up = await call('POST', `${renamedApi}/up`);
    assert.equal(up.status, 202, JSON.stringify(up.body));
    await page.waitForFunction(() => document.querySelector('.lab-head [data-state]')?.getAttribute('data-state') === 'running', null, { timeout: 90_000 });
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByTestId('delete-dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Delete renamed-lab' }).click();
    await dialog.getByRole('alert').waitFor();
    assert.match(await dialog.getByRole('alert').innerText(), /running|stop it first/i);
    await shot(page, 'lab-delete-refused');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await stopLabIfRunning(renamedApi);
    await page.waitForFunction(() => document.querySelector('.lab-head [data-state]')?.getAttribute('data-state') === 'stopped', null, { timeout: 90_000 });
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await dialog.getByRole('button', { name: 'Delete renamed-lab' }).click();
    await page.waitForURL(/#\/$/);
    assert.equal((await call('GET', renamedApi)).status, 404, 'the lab is gone');
  });

  await step(t, page, 'a lab of another repository opens read-only; Copy to my labs makes an editable copy', async () => {
    await page.goto(`${server.base}/#/edit/examples/hello-flag`);
    await page.getByTestId('read-only').waitFor();
    assert.equal(await page.getByTestId('palette-network').count(), 0, 'no palette when read-only');
    await page.getByRole('tab', { name: 'Compose' }).click();
    assert.equal(await page.locator('.cm-content').getAttribute('contenteditable'), 'false');
    await shot(page, 'editor-read-only');
    await page.getByTestId('read-only').getByRole('button', { name: 'Copy to my labs' }).click();
    const dialog = page.getByTestId('copy-dialog');
    await dialog.getByLabel('Lab name').fill('hello-copy');
    await dialog.getByRole('button', { name: 'Copy' }).click();
    await page.waitForURL(new RegExp(`#/edit/${repo}/hello-copy$`));
    await page.getByTestId('graph').waitFor();
    assert.equal(await page.getByTestId('read-only').count(), 0);
    await page.locator('[data-testid=graph-service][data-name=target]').waitFor();
  });

  await step(t, page, 'Import… takes a compose file and opens the new lab in the editor', async () => {
    const file = path.join(files, 'compose.yaml');
    writeFileSync(file, 'services:\n  solo:\n    image: dsp/busybox:latest\n    command: ["sleep", "3600"]\n');
    await page.goto(`${server.base}/#/`);
    await page.getByRole('button', { name: 'Import…' }).click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.getByLabel('File').setInputFiles(file);
    await dialog.getByLabel('Lab name (optional)').fill('imported');
    await dialog.getByRole('button', { name: 'Import' }).click();
    await page.waitForURL(new RegExp(`#/edit/${repo}/imported$`));
    await page.locator('[data-testid=graph-service][data-name=solo]').waitFor();
    await shot(page, 'editor-imported');
  });
});
