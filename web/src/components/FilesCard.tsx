// Copy files in and out of a lab's containers, per service:
//  - upload files (<input type=file multiple>) or a folder (webkitdirectory,
//    each file named by its webkitRelativePath) into a container folder;
//  - download a container path (a folder arrives as NAME.tar).
// The server's refusals (missing path, not a folder, shell disabled) are shown as it words them.
import { useEffect, useRef, useState, type Ref } from 'react';
import { downloadFromService, errorMessage, uploadToService } from '../api';
import { humanBytes } from '../format';
import { Icon } from './Icons';
import './FilesCard.css';

export interface FileService {
  name: string;
  /** shell: true in the lab (the server refuses file transfer otherwise) */
  shell: boolean;
  running: boolean;
}

type Note = { kind: 'ok' | 'error' | 'busy'; text: string } | null;

/** Save a blob under a name through a temporary <a download>. */
function saveBlob(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function FilesCard({
  repo,
  lab,
  instance,
  services,
  selected,
  onSelect,
  cardRef,
}: {
  repo: string;
  lab: string;
  /** the lab instance whose containers these are */
  instance: string;
  services: FileService[];
  selected: string;
  onSelect: (service: string) => void;
  cardRef?: Ref<HTMLElement>;
}) {
  const [folder, setFolder] = useState('/tmp');
  const [path, setPath] = useState('');
  const [upNote, setUpNote] = useState<Note>(null);
  const [downNote, setDownNote] = useState<Note>(null);
  const [uploading, setUploading] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const filesInput = useRef<HTMLInputElement>(null);
  const folderInput = useRef<HTMLInputElement>(null);

  // React has no prop for webkitdirectory: set the attribute itself
  useEffect(() => {
    folderInput.current?.setAttribute('webkitdirectory', '');
    folderInput.current?.setAttribute('directory', '');
  }, []);

  useEffect(() => {
    setUpNote(null);
    setDownNote(null);
  }, [selected]);

  const svc = services.find((s) => s.name === selected);
  const usable = !!svc && svc.shell && svc.running;
  const why = !svc
    ? 'Pick a service.'
    : !svc.shell
      ? `${svc.name} does not allow shell access, so files cannot be copied in or out.`
      : !svc.running
        ? `${svc.name} is not running.`
        : '';

  const upload = async (list: FileList | null, input: HTMLInputElement | null) => {
    const files = list ? Array.from(list) : [];
    if (input) input.value = ''; // the same file can be picked again
    if (!svc) return;
    if (files.length === 0) {
      setUpNote({ kind: 'error', text: 'Nothing to upload: the folder is empty.' });
      return;
    }
    const dest = folder.trim() || '/tmp';
    const total = files.reduce((n, f) => n + f.size, 0);
    setUploading(true);
    setUpNote({ kind: 'busy', text: `Uploading ${files.length} file${files.length === 1 ? '' : 's'} (${humanBytes(total)})…` });
    try {
      const r = await uploadToService({ repo, lab, instance, service: svc.name }, dest, files, (sent, size) => {
        if (size > 0) setUpNote({ kind: 'busy', text: `Uploading… ${Math.min(100, Math.round((sent / size) * 100))}%` });
      });
      const n = typeof r.uploaded === 'number' ? r.uploaded : files.length;
      setUpNote({ kind: 'ok', text: `Uploaded ${n} file${n === 1 ? '' : 's'} into ${svc.name}:${r.path || dest}` });
    } catch (e) {
      setUpNote({ kind: 'error', text: errorMessage(e) });
    } finally {
      setUploading(false);
    }
  };

  const download = async () => {
    if (!svc) return;
    const p = path.trim();
    if (!p.startsWith('/')) {
      setDownNote({ kind: 'error', text: 'Give an absolute path in the container, such as /etc/hostname.' });
      return;
    }
    setDownloading(true);
    setDownNote({ kind: 'busy', text: `Downloading ${p}…` });
    try {
      const { blob, name } = await downloadFromService({ repo, lab, instance, service: svc.name }, p);
      saveBlob(blob, name);
      setDownNote({ kind: 'ok', text: `Downloaded ${name} (${humanBytes(blob.size)})` });
    } catch (e) {
      setDownNote({ kind: 'error', text: errorMessage(e) });
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section className="card section files" data-testid="files" ref={cardRef}>
      <div className="section-head">
        <h2>
          Files <span className="section-sub">copy files in and out of a container</span>
        </h2>
        <label className="files-service">
          <span className="muted small">Service</span>
          <select value={selected} onChange={(e) => onSelect(e.target.value)} data-testid="files-service" className="select-sm">
            {services.map((s) => (
              <option key={s.name} value={s.name} disabled={!s.shell}>
                {s.name}
                {!s.shell ? ' (no shell access)' : !s.running ? ' (not running)' : ''}
              </option>
            ))}
          </select>
        </label>
      </div>
      {why && <p className="muted small">{why}</p>}
      <div className="files-grid">
        <form
          className="files-box"
          onSubmit={(e) => e.preventDefault()}
        >
          <h3>
            <Icon name="upload" size={15} /> Upload
          </h3>
          <label className="field">
            <span>Into the folder</span>
            <input
              type="text"
              value={folder}
              onChange={(e) => setFolder(e.target.value)}
              spellCheck={false}
              className="mono"
              data-testid="upload-path"
              placeholder="/tmp"
            />
          </label>
          <div className="files-actions">
            <button type="button" className="btn btn-sm" disabled={!usable || uploading} onClick={() => filesInput.current?.click()}>
              <Icon name="file" size={14} /> Files…
            </button>
            <button type="button" className="btn btn-sm" disabled={!usable || uploading} onClick={() => folderInput.current?.click()}>
              <Icon name="folder" size={14} /> Folder…
            </button>
          </div>
          <input
            ref={filesInput}
            type="file"
            multiple
            hidden
            data-testid="upload-files"
            disabled={!usable || uploading}
            onChange={(e) => upload(e.currentTarget.files, e.currentTarget)}
          />
          <input
            ref={folderInput}
            type="file"
            multiple
            hidden
            data-testid="upload-folder"
            disabled={!usable || uploading}
            onChange={(e) => upload(e.currentTarget.files, e.currentTarget)}
          />
          <Status note={upNote} testid="upload-status" />
        </form>
        <form
          className="files-box"
          onSubmit={(e) => {
            e.preventDefault();
            download();
          }}
        >
          <h3>
            <Icon name="download" size={15} /> Download
          </h3>
          <label className="field">
            <span>Path in the container</span>
            <input
              type="text"
              value={path}
              onChange={(e) => setPath(e.target.value)}
              spellCheck={false}
              className="mono"
              data-testid="download-path"
              placeholder="/etc/hostname"
            />
          </label>
          <div className="files-actions">
            <button type="submit" className="btn btn-sm" disabled={!usable || downloading || !path.trim()} data-testid="download">
              <Icon name="download" size={14} /> Download
            </button>
            <span className="muted small">A folder arrives as a .tar archive.</span>
          </div>
          <Status note={downNote} testid="download-status" />
        </form>
      </div>
    </section>
  );
}

function Status({ note, testid }: { note: Note; testid: string }) {
  if (!note) return null;
  return (
    <div
      className={`files-note files-note-${note.kind}`}
      role={note.kind === 'error' ? 'alert' : 'status'}
      data-testid={testid}
      data-kind={note.kind}
    >
      {note.kind === 'busy' && <span className="spinner" aria-hidden="true" />}
      {note.kind === 'ok' && <Icon name="check" size={14} />}
      {note.kind === 'error' && <Icon name="warn" size={14} />}
      <span>{note.text}</span>
    </div>
  );
}
