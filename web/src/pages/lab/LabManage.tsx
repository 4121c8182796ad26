// Managing labs as folders: a dialog that asks for a name (New lab, Copy to
// my labs, Rename), Import (a compose file, or a .zip / .tar.gz of a lab
// folder), and the lab page's bar: Edit (labs of the personal repository),
// Copy to my labs, Export (a download), Rename and Delete (asked in a dialog;
// refused with the reason while the lab runs).
import { useEffect, useId, useState, type FormEvent } from 'react';
import { api, ApiError, editHref, labApi, labHref, saveBlob, type CreatedLab } from '../../api';
import { Dialog } from '../../components/Dialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { navigate } from '../../router';
import './LabManage.css';

/** A lab folder's name as the server takes it: the same checks, said before asking. */
export function labNameProblem(name: string): string {
  const n = name.trim();
  if (!n) return 'Give it a name.';
  if (n.length > 100) return 'At most 100 characters.';
  if (n.startsWith('.')) return 'A name cannot start with a dot.';
  if (/[/\\]/.test(n)) return 'A name cannot hold “/” or “\\”.';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(n)) return 'No control characters.';
  return '';
}

let personalRepo: Promise<string> | null = null;
/** The name of the personal repository ('' when there is none), asked once. */
export function usePersonalRepo(): string | null {
  const [name, setName] = useState<string | null>(null);
  useEffect(() => {
    personalRepo ??= api.settings().then(
      (s) => s.personalRepo ?? '',
      () => {
        personalRepo = null;
        return '';
      },
    );
    let live = true;
    personalRepo.then((n) => live && setName(n));
    return () => {
      live = false;
    };
  }, []);
  return name;
}

/** A dialog asking for a lab name; `submit` does the work and resolves to the new lab (or throws). */
export function NameDialog({
  open,
  title,
  intro,
  initial,
  action,
  submit,
  onDone,
  onClose,
  testId,
}: {
  open: boolean;
  title: string;
  intro?: string;
  initial: string;
  /** the button's text */
  action: string;
  submit: (name: string) => Promise<CreatedLab>;
  onDone: (lab: CreatedLab) => void;
  onClose: () => void;
  testId?: string;
}) {
  const labelId = useId();
  const inputId = useId();
  const [name, setName] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) {
      setName(initial);
      setError(null);
    }
  }, [open, initial]);
  const problem = labNameProblem(name);
  const go = async (e: FormEvent) => {
    e.preventDefault();
    if (problem) return;
    setBusy(true);
    setError(null);
    try {
      const lab = await submit(name.trim());
      onDone(lab);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={open} onClose={onClose} labelId={labelId} testId={testId}>
      <form onSubmit={go}>
        <h2 id={labelId}>{title}</h2>
        {intro && <p>{intro}</p>}
        <div className="field">
          <label htmlFor={inputId}>Lab name</label>
          <input id={inputId} type="text" value={name} onChange={(e) => setName(e.target.value)} autoFocus spellCheck={false} />
        </div>
        {name && problem && <p className="small text-bad manage-problem">{problem}</p>}
        <ErrorAlert error={error} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !!problem}>
            {busy ? `${action}…` : action}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** Import a lab: a compose file, or a .zip / .tar.gz of a lab folder, with an optional name. */
export function ImportDialog({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: (lab: CreatedLab) => void }) {
  const labelId = useId();
  const fileId = useId();
  const nameId = useId();
  const [file, setFile] = useState<File | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    if (open) {
      setFile(null);
      setName('');
      setError(null);
    }
  }, [open]);
  const problem = name ? labNameProblem(name) : '';
  return (
    <Dialog open={open} onClose={onClose} labelId={labelId} testId="import-dialog">
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          if (!file || problem) return;
          setBusy(true);
          setError(null);
          try {
            onDone(await labApi.import(file, name.trim() || undefined));
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h2 id={labelId}>Import a lab</h2>
        <p>A compose file, or a .zip or .tar.gz of a lab folder. It becomes a lab of your personal repository.</p>
        <div className="field">
          <label htmlFor={fileId}>File</label>
          <input
            id={fileId}
            type="file"
            accept=".yml,.yaml,.zip,.tar.gz,.tgz,application/zip,application/gzip,application/x-yaml"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
        <div className="field manage-gap">
          <label htmlFor={nameId}>Lab name (optional)</label>
          <input id={nameId} type="text" value={name} placeholder="from the file" onChange={(e) => setName(e.target.value)} spellCheck={false} />
        </div>
        {problem && <p className="small text-bad manage-problem">{problem}</p>}
        <ErrorAlert error={error} />
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy || !file || !!problem}>
            {busy ? 'Importing…' : 'Import'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

/** "Copy to my labs": the dialog, and the editor of the copy once made. */
export function CopyLabDialog({ repo, lab, open, onClose }: { repo: string; lab: string; open: boolean; onClose: () => void }) {
  return (
    <NameDialog
      open={open}
      title="Copy to my labs"
      intro={`A copy of ${repo}/${lab} in your personal repository, to edit as you like.`}
      initial={lab}
      action="Copy"
      submit={(name) => labApi.copy(repo, lab, name)}
      onDone={(l) => navigate(editHref(l.repo, l.name))}
      onClose={onClose}
      testId="copy-dialog"
    />
  );
}

/** The lab page's management bar. */
export function LabManageBar({ repo, lab, title, running }: { repo: string; lab: string; title: string; running: boolean }) {
  const personal = usePersonalRepo();
  const editable = personal !== null && personal !== '' && personal === repo;
  const [dialog, setDialog] = useState<'' | 'copy' | 'rename' | 'delete'>('');
  const [error, setError] = useState<unknown>(null);
  const [exporting, setExporting] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const [deleteError, setDeleteError] = useState<unknown>(null);
  const deleteLabel = useId();
  const deleteDesc = useId();
  return (
    <div className="manage-bar" role="toolbar" aria-label="Lab">
      {editable && (
        <a className="btn btn-sm" href={editHref(repo, lab)} data-testid="edit-lab">
          Edit
        </a>
      )}
      <button type="button" className="btn btn-sm" onClick={() => setDialog('copy')}>
        Copy to my labs
      </button>
      <button
        type="button"
        className="btn btn-sm"
        disabled={exporting}
        onClick={async () => {
          setExporting(true);
          setError(null);
          try {
            const { blob, name } = await labApi.export(repo, lab);
            saveBlob(blob, name);
          } catch (e) {
            setError(e);
          } finally {
            setExporting(false);
          }
        }}
      >
        {exporting ? 'Exporting…' : 'Export'}
      </button>
      {editable && (
        <>
          <button type="button" className="btn btn-sm" onClick={() => setDialog('rename')}>
            Rename
          </button>
          <button
            type="button"
            className="btn btn-sm btn-danger"
            onClick={() => {
              setDeleteError(null);
              setDialog('delete');
            }}
          >
            Delete
          </button>
        </>
      )}
      {error != null && <ErrorAlert error={error} />}
      <CopyLabDialog repo={repo} lab={lab} open={dialog === 'copy'} onClose={() => setDialog('')} />
      <NameDialog
        open={dialog === 'rename'}
        title={`Rename ${lab}`}
        intro={running ? 'The lab is running: stop it first, or the rename is refused.' : undefined}
        initial={lab}
        action="Rename"
        submit={(name) => labApi.rename(repo, lab, name)}
        onDone={(l) => {
          setDialog('');
          navigate(labHref(l.repo, l.name));
        }}
        onClose={() => setDialog('')}
        testId="rename-dialog"
      />
      <Dialog open={dialog === 'delete'} onClose={() => setDialog('')} labelId={deleteLabel} describedBy={deleteDesc} testId="delete-dialog">
        <h2 id={deleteLabel}>Delete {title}?</h2>
        <p id={deleteDesc}>
          The folder of <strong>{repo}/{lab}</strong> and every file in it are deleted. This cannot be undone.
        </p>
        {running && <p className="text-bad">The lab is running: stop it first.</p>}
        {deleteError != null &&
          (deleteError instanceof ApiError && deleteError.status === 409 ? (
            <div className="alert alert-error" role="alert">
              <strong>Not deleted:</strong> the lab is running (or busy). Stop it first, then delete it. ({deleteError.message})
            </div>
          ) : (
            <ErrorAlert error={deleteError} />
          ))}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={() => setDialog('')}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn-danger"
            disabled={deleting}
            onClick={async () => {
              setDeleting(true);
              setDeleteError(null);
              try {
                await labApi.remove(repo, lab);
                setDialog('');
                navigate('#/');
              } catch (e) {
                setDeleteError(e);
              } finally {
                setDeleting(false);
              }
            }}
          >
            {deleting ? 'Deleting…' : `Delete ${lab}`}
          </button>
        </div>
      </Dialog>
    </div>
  );
}
