// Browser test of the Repositories page and of the question before an
// untrusted lab starts, against the real `dsp serve`, git and Docker
// (harness.mjs: DSP_BIN, DSP_SCREENSHOTS, CHROMIUM, CI).
//
// Before the server starts, the test makes a bare git repository "course"
// (with the git CLI) holding one lab, risky-lab, that asks for SYS_PTRACE (a
// risk), and names it in the main directory's .dsp.d/suggestions.json. Then:
// the Repositories page shows the suggestion; Add clones it with its log
// shown live; the repository appears, not trusted, with its remote, branch
// and commit, and the suggestion says added. The clone's link opens the
// catalogue on the course's labs; on risky-lab's page Start asks first, in a
// dialog that lists the cap_add risk; "Trust course and start" trusts the
// repository and the lab runs; it is stopped, and the Repositories page says
// the course is trusted. An update refused for a real local edit (the author
// changed the same file) names the file and offers to keep it; the retry
// updates and keeps the edit beside the new file as FILE.local; Remove asks in a dialog naming the
// repository, and the suggestion can be added again. SSH host keys (unknown:
// accepted by fingerprint; changed: refused) and a token that goes in the
// request body only are checked with made-up answers. Publish commits the
// personal repository and pushes it to a new bare remote.
//
// Whatever happens, the lab is stopped through the API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { apiSession, browser, canRun, CI, labStateIs, login, server, setup, shot, step, stopLabIfRunning, teardown } from './harness.mjs';

const COURSE = { repo: 'course', lab: 'risky-lab', title: 'Risky Course Lab' };
const COURSE_LAB_API = `/api/labs/${COURSE.repo}/${COURSE.lab}`;

const COMPOSE = `x-dsp:
  title: ${COURSE.title}
  description: A course lab whose box asks for SYS_PTRACE, a capability outside Docker's default set.
  stop_timeout: 1s
services:
  box:
    image: dsp/busybox:latest
    command: ["sleep", "3600"]
    cap_add: [SYS_PTRACE]
`;

/** Where the test's git remote lives (removed afterwards). */
const remote = { dir: '', url: '' };

function git(cwd, ...args) {
  return execFileSync(
    'git',
    ['-c', 'user.name=dsp e2e', '-c', 'user.email=e2e@dsp.invalid', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8', timeout: 30_000, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
  );
}

/** A bare repository course.git on branch main: a .dsp marker and the lab folder risky-lab (its .dsp and compose.yaml). */
function makeRemote() {
  remote.dir = mkdtempSync(path.join(tmpdir(), 'dsp-e2e-git-'));
  const bare = path.join(remote.dir, 'course.git');
  const work = path.join(remote.dir, 'work');
  git(remote.dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  git(remote.dir, 'init', '--quiet', '--initial-branch=main', work);
  writeFileSync(path.join(work, '.dsp'), '');
  mkdirSync(path.join(work, COURSE.lab));
  writeFileSync(path.join(work, COURSE.lab, '.dsp'), '');
  writeFileSync(path.join(work, COURSE.lab, 'compose.yaml'), COMPOSE);
  git(work, 'add', '.');
  git(work, 'commit', '--quiet', '-m', 'risky-lab: a lab that asks for SYS_PTRACE');
  git(work, 'push', '--quiet', bare, 'main');
  remote.url = `file://${bare}`;
}

function haveGit() {
  try {
    execFileSync('git', ['--version'], { encoding: 'utf8' });
    return true;
  } catch {
    return false;
  }
}

before(async () => {
  if (!haveGit()) {
    if (CI) throw new Error('git is missing: apt-get install -y git');
    return;
  }
  makeRemote();
  await setup({
    prepareHome: (home) => {
      mkdirSync(path.join(home, '.dsp.d'), { recursive: true });
      writeFileSync(
        path.join(home, '.dsp.d', 'suggestions.json'),
        JSON.stringify([{ name: COURSE.repo, url: remote.url, description: 'The course’s labs, for this term.' }]),
      );
    },
  });
  // left running by an earlier run (labs are shared through Docker)
  if (server.base) await stopLabIfRunning(COURSE_LAB_API);
});
after(async () => {
  await stopLabIfRunning(COURSE_LAB_API).catch((e) => console.error('cleanup:', e));
  await teardown();
  if (remote.dir) rmSync(remote.dir, { recursive: true, force: true });
});

test('repositories: add a suggested one, trust it from the lab page, start and stop its risky lab', { timeout: 10 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  if (!remote.url) {
    t.skip('git is missing');
    return;
  }
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(20_000);
  const consoleErrors = [];
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  const card = page.locator(`[data-testid=repo][data-repo="${COURSE.repo}"]`);
  const suggestion = page.locator(`[data-testid=suggestion][data-name="${COURSE.repo}"]`);

  await step(t, page, 'the Repositories page lists the repositories and the suggestion', async () => {
    await login(page);
    await page.getByRole('link', { name: 'Repositories' }).click();
    await page.waitForURL(/#\/repos$/);
    await page.getByRole('heading', { name: 'Repositories', level: 1 }).waitFor();
    await page.locator('.conn-open').waitFor(); // the event stream is connected
    // the main directory's own: the personal repository first, then the examples
    const names = await page.locator('[data-testid=repo]').evaluateAll((els) => els.map((e) => e.getAttribute('data-repo')));
    assert.ok(names.includes('examples'), `the examples are listed: ${names}`);
    assert.equal(await page.locator('[data-testid=repo]').first().getAttribute('data-personal'), 'true', 'the personal repository first');
    await suggestion.waitFor();
    assert.equal(await suggestion.getAttribute('data-added'), 'false');
    assert.match(await suggestion.innerText(), /The course’s labs, for this term\./);
    assert.ok((await suggestion.innerText()).includes(remote.url), 'the suggestion shows its URL');
    assert.equal(await card.count(), 0, 'the course is not there yet');
    await shot(page, 'repos');
  });

  await step(t, page, 'Add clones it with its log shown live; it appears, not trusted', async () => {
    await suggestion.getByRole('button', { name: `Add ${COURSE.repo}` }).click();
    const progress = page.getByTestId('clone-progress');
    await progress.waitFor();
    assert.equal(await progress.getAttribute('data-repo'), COURSE.repo);
    await page.locator('[data-testid=clone-progress][data-state=done]').waitFor({ timeout: 90_000 });
    assert.ok((await progress.locator('.log-row').count()) > 0, 'the clone logged its steps');
    await card.waitFor();
    assert.equal(await card.getAttribute('data-trusted'), 'false', 'a new repository is not trusted');
    assert.match(await card.getByTestId('repo-trusted').innerText(), /not trusted/);
    assert.ok((await card.getByTestId('repo-url').innerText()).includes('course.git'), 'its remote');
    assert.equal((await card.getByTestId('repo-branch').innerText()).trim(), 'main');
    assert.match(await card.getByTestId('repo-commit').innerText(), /^[0-9a-f]{7} risky-lab: a lab that asks for SYS_PTRACE/);
    assert.match(await card.getByTestId('repo-labs').innerText(), /^1 lab$/);
    assert.equal(await card.getByTestId('repo-dirty').getAttribute('data-count'), '0', 'no local changes');
    await page.locator(`[data-testid=suggestion][data-name="${COURSE.repo}"][data-added=true]`).waitFor();
    assert.equal(await suggestion.getByRole('button').isEnabled(), false, 'an added suggestion cannot be added again');
    await shot(page, 'repos-added');
  });

  await step(t, page, 'the clone’s link opens the catalogue on the course’s labs', async () => {
    await page.getByTestId('clone-labs-link').click();
    await page.waitForURL(/#\/\?repo=course$/);
    await page.getByTestId('repo-filter').waitFor();
    const lab = page.locator(`[data-lab="${COURSE.repo}/${COURSE.lab}"]`);
    await lab.waitFor();
    assert.equal(await page.locator('[data-lab^="examples/"]').count(), 0, 'only the course’s labs');
    await lab.getByRole('link', { name: COURSE.title }).click();
    await page.waitForURL(/#\/lab\/course\/risky-lab$/);
  });

  await step(t, page, 'Start asks first: the dialog lists the cap_add risk', async () => {
    await page.getByRole('heading', { name: COURSE.title }).waitFor();
    await labStateIs(page, 'stopped', 30_000);
    assert.equal(await page.getByTestId('repo-trust').getAttribute('data-trusted'), 'false');
    await page.getByTestId('start').click();
    const dialog = page.getByRole('dialog', { name: `Start ${COURSE.title}?` });
    await dialog.waitFor();
    const risk = dialog.getByTestId('trust-risk');
    assert.equal(await risk.count(), 1, 'one risk');
    assert.equal(await risk.getAttribute('data-service'), 'box');
    assert.match(await risk.getAttribute('data-field'), /^services\.box\.cap_add/);
    assert.match(await risk.innerText(), /SYS_PTRACE/);
    assert.equal(await dialog.getByRole('button', { name: 'Start without these' }).isEnabled(), true);
    await shot(page, 'lab-trust-dialog');
    await dialog.getByRole('button', { name: `Trust ${COURSE.repo} and start` }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  await step(t, page, 'trusted, the lab starts and runs', async () => {
    await labStateIs(page, 'running', 180_000);
    await page.locator('[data-testid=repo-trust][data-trusted=true]').waitFor();
    const call = await apiSession();
    const { body } = await call('GET', COURSE_LAB_API);
    assert.equal(body?.trusted, true, 'the API says trusted');
    await shot(page, 'lab-trusted-running');
  });

  await step(t, page, 'stopped', async () => {
    await page.waitForFunction(() => !document.querySelector('[data-testid=stop]')?.disabled, null, { timeout: 30_000 });
    await page.getByTestId('stop').click();
    await labStateIs(page, 'stopped', 90_000);
  });

  await step(t, page, 'the Repositories page says the course is trusted', async () => {
    await page.goto(`${server.base}/#/repos`);
    await card.waitFor();
    assert.equal(await card.getAttribute('data-trusted'), 'true');
    assert.equal((await card.getByTestId('repo-trusted').innerText()).trim(), 'trusted');
    assert.equal(await card.getByTestId('repo-distrust').count(), 1, 'Distrust is offered');
    await shot(page, 'repos-trusted');
  });

  await step(t, page, 'Update: a local edit in the way is named, kept beside the new file on retry', async () => {
    // The author changes the lab's README upstream; the user edited it here.
    const work = path.join(remote.dir, 'work');
    writeFileSync(path.join(work, COURSE.lab, 'README.md'), 'from the author\n');
    git(work, 'add', '.');
    git(work, 'commit', '--quiet', '-m', 'risky-lab: a README');
    git(work, 'push', '--quiet', path.join(remote.dir, 'course.git'), 'main');
    const mine = path.join(server.home, COURSE.repo, COURSE.lab, 'README.md');
    writeFileSync(mine, 'my notes\n');

    await card.getByTestId('repo-update').click();
    const conflict = card.getByTestId('update-conflict');
    await conflict.waitFor({ timeout: 90_000 });
    assert.match(await conflict.innerText(), /risky-lab\/README\.md/);
    assert.equal(readFileSync(mine, 'utf8'), 'my notes\n', 'the refused update changed nothing');
    await shot(page, 'repos-update-conflict');
    await conflict.getByRole('button', { name: 'Update and keep my copies beside the new files' }).click();
    await card.locator('[data-testid=repo-activity][data-kind=update][data-state=done]').waitFor({ timeout: 90_000 });
    assert.equal(await card.getByTestId('update-conflict').count(), 0, 'the conflict is gone');
    assert.equal(await card.getByTestId('update-error').count(), 0);
    assert.equal(readFileSync(mine, 'utf8'), 'from the author\n', 'the update arrived');
    assert.equal(readFileSync(`${mine}.local`, 'utf8'), 'my notes\n', 'the edit is kept beside it');
    // the update's log (folded once it is done) says where the edit is
    await card.locator('[data-testid=repo-activity]', { hasText: 'README.md.local' }).waitFor({ state: 'attached', timeout: 10_000 });
  });

  await step(t, page, 'Remove asks in a dialog naming it; then the suggestion can be added again', async () => {
    await card.getByTestId('repo-remove').click();
    const dialog = page.getByRole('dialog', { name: `Remove ${COURSE.repo}?` });
    await dialog.waitFor();
    await shot(page, 'repos-remove');
    await dialog.getByRole('button', { name: `Remove ${COURSE.repo}` }).click();
    await card.waitFor({ state: 'detached' });
    await page.locator(`[data-testid=suggestion][data-name="${COURSE.repo}"][data-added=false]`).waitFor();
    assert.equal(await suggestion.getByRole('button', { name: `Add ${COURSE.repo}` }).isEnabled(), true);
    // the personal repository cannot be removed
    const personal = page.locator('[data-testid=repo][data-personal=true]');
    assert.equal(await personal.getByTestId('repo-remove').isEnabled(), false);
  });

  assert.deepEqual(consoleErrors, [], 'no uncaught error in the page');
});

test('adding: SSH host keys asked about (accepted, or refused when changed), tokens kept out of sight (answers made up)', { timeout: 3 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  if (!remote.url) {
    t.skip('git is missing');
    return;
  }
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(20_000);
  const json = (status, body) => ({ status, contentType: 'application/json', body: JSON.stringify(body) });
  const KEY = { host: 'git.example.org', fingerprint: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' };
  const form = page.getByRole('form', { name: 'Add a repository by its URL' });

  await step(t, page, 'an unknown host key: the dialog shows it, Accept sends the add again with its fingerprint', async () => {
    const bodies = [];
    await page.route('**/api/repos', (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const body = route.request().postDataJSON();
      bodies.push(body);
      if (!body.acceptHostKey) {
        return route.fulfill(json(409, { error: `the SSH host key of ${KEY.host} is not known yet: its fingerprint is ${KEY.fingerprint}`, hostKey: { ...KEY, changed: false } }));
      }
      return route.fulfill(json(400, { error: 'made up: the key file cannot be read', field: 'sshKey' }));
    });
    try {
      await page.goto(`${server.base}/#/repos`);
      await form.waitFor();
      await form.getByLabel('Git URL').fill(`ssh://git@${KEY.host}/course.git`);
      await form.getByLabel('SSH key').check();
      await form.getByLabel('Private key file on this machine').fill('/root/.ssh/id_ed25519');
      await form.getByRole('button', { name: 'Add repository' }).click();
      const dialog = page.getByRole('dialog', { name: `Is this the key of ${KEY.host}?` });
      await dialog.waitFor();
      assert.equal((await dialog.getByTestId('hostkey-fingerprint').innerText()).trim(), KEY.fingerprint);
      await shot(page, 'repos-hostkey');
      await dialog.getByRole('button', { name: 'Accept and continue' }).click();
      const error = page.getByTestId('add-error');
      await error.waitFor();
      assert.match(await error.innerText(), /the key file cannot be read/);
      assert.equal(await dialog.isVisible(), false, 'the dialog is closed');
      assert.equal(await form.getByLabel('Private key file on this machine').getAttribute('aria-invalid'), 'true', 'the field at fault');
      assert.deepEqual(bodies, [
        { url: `ssh://git@${KEY.host}/course.git`, sshKey: '/root/.ssh/id_ed25519' },
        { url: `ssh://git@${KEY.host}/course.git`, sshKey: '/root/.ssh/id_ed25519', acceptHostKey: KEY.fingerprint },
      ]);
    } finally {
      await page.unroute('**/api/repos');
    }
  });

  await step(t, page, 'a changed host key is refused, with nothing to accept', async () => {
    await page.route('**/api/repos', (route) =>
      route.request().method() !== 'POST'
        ? route.continue()
        : route.fulfill(json(403, { error: `the SSH host key of ${KEY.host} has CHANGED (now ${KEY.fingerprint}): refused`, hostKey: { ...KEY, changed: true } })),
    );
    try {
      await form.getByRole('button', { name: 'Add repository' }).click();
      const dialog = page.getByRole('dialog', { name: `The host key of ${KEY.host} has changed` });
      await dialog.waitFor();
      assert.match(await dialog.innerText(), /impersonating the server/);
      assert.equal(await dialog.getByRole('button', { name: /Accept/ }).count(), 0, 'nothing to accept');
      await shot(page, 'repos-hostkey-changed');
      await dialog.getByRole('button', { name: 'Close' }).click();
      await dialog.waitFor({ state: 'hidden' });
      assert.match(await page.getByTestId('add-error').innerText(), /has CHANGED/);
    } finally {
      await page.unroute('**/api/repos');
    }
  });

  await step(t, page, 'a token goes in the request body only, never in a URL or on the page', async () => {
    const secret = 'tok-e2e-5ecret-do-not-show';
    const urls = [];
    const bodies = [];
    const onRequest = (r) => urls.push(r.url());
    page.on('request', onRequest);
    const logged = [];
    const onConsole = (m) => logged.push(m.text());
    page.on('console', onConsole);
    await page.route('**/api/repos', (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      bodies.push(route.request().postDataJSON());
      return route.fulfill(json(403, { error: 'https://example.org/course.git refused access: give a username and token' }));
    });
    try {
      await form.getByLabel('Git URL').fill('https://example.org/course.git');
      await form.getByLabel('User name and token (HTTPS)').check();
      await form.getByLabel('User name', { exact: true }).fill('teacher');
      const token = form.getByLabel('Token', { exact: true });
      assert.equal(await token.getAttribute('type'), 'password');
      await token.fill(secret);
      await form.getByRole('button', { name: 'Add repository' }).click();
      await page.getByTestId('add-error').filter({ hasText: 'refused access' }).waitFor();
      assert.deepEqual(bodies, [{ url: 'https://example.org/course.git', username: 'teacher', token: secret }]);
      assert.ok(!urls.some((u) => u.includes(secret)), 'no URL holds the token');
      assert.ok(!logged.some((l) => l.includes(secret)), 'nothing logged holds the token');
      assert.ok(!(await page.locator('main').innerText()).includes(secret), 'the page never shows it');
    } finally {
      page.off('request', onRequest);
      page.off('console', onConsole);
      await page.unroute('**/api/repos');
    }
  });
});

test('publish: the personal repository committed and pushed to a new remote, with its log', { timeout: 3 * 60_000 }, async (t) => {
  if (!canRun(t)) return;
  if (!remote.url) {
    t.skip('git is missing');
    return;
  }
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.setDefaultTimeout(20_000);
  const bare = path.join(remote.dir, 'mine.git');
  git(remote.dir, 'init', '--quiet', '--bare', '--initial-branch=main', bare);
  const call = await apiSession();
  const personal = (await call('GET', '/api/settings')).body?.personalRepo || 'root';
  // a lab of one's own to publish
  const dir = path.join(server.home, personal, 'my-lab');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, '.dsp'), '');
  writeFileSync(path.join(dir, 'compose.yaml'), 'x-dsp:\n  title: My Lab\nservices:\n  box:\n    image: dsp/busybox:latest\n    command: ["sleep", "3600"]\n');
  const card = page.locator(`[data-testid=repo][data-repo="${personal}"]`);

  await step(t, page, 'Publish with a remote URL: the log shows live, the remote gets the commit', async () => {
    await page.goto(`${server.base}/#/repos`);
    await card.waitFor();
    await card.getByTestId('repo-publish').click();
    const form = card.getByRole('form', { name: `Publish ${personal}` });
    await form.waitFor();
    await form.getByLabel(/Commit message/).fill('my first lab');
    await form.getByLabel(/Remote URL/).fill(`file://${bare}`);
    await form.getByRole('button', { name: 'Commit and push' }).click();
    await card.locator('[data-testid=repo-activity][data-kind=publish][data-state=done]').waitFor({ timeout: 90_000 });
    assert.ok((await card.getByTestId('repo-activity').locator('.log-row').count()) > 0, 'the publish logged its steps');
    const log = git(remote.dir, '--git-dir', bare, 'log', '--all', '--format=%s');
    assert.match(log, /my first lab/, 'the remote holds the commit');
    const ref = git(remote.dir, '--git-dir', bare, 'for-each-ref', '--format=%(refname)', 'refs/heads/').trim().split('\n')[0];
    const files = git(remote.dir, '--git-dir', bare, 'ls-tree', '-r', '--name-only', ref).split('\n');
    assert.ok(files.includes('my-lab/compose.yaml'), `the lab is published: ${files}`);
    // the card takes the new checkout in: its remote
    await page.waitForFunction(
      (want) => (document.querySelector(`[data-testid=repo][data-personal=true] [data-testid=repo-url]`)?.textContent ?? '').includes(want),
      'mine.git',
      { timeout: 20_000 },
    );
    await shot(page, 'repos-published');
  });
});
