// The images the lab needs: present or missing, built locally or pulled, and
// Build for the lab's build: sections.
import type { LabImage } from '../../api';
import { Icon } from '../../components/Icons';
import { humanBytes } from '../../format';

export function ImagesCard({
  images,
  error,
  busy,
  onBuild,
}: {
  images: LabImage[] | null;
  error: string;
  busy: boolean;
  onBuild: () => void;
}) {
  const list = images ?? [];
  const buildable = list.some((i) => i.build);
  const missing = list.filter((i) => !i.present);
  const missingPulled = missing.filter((i) => !i.build);
  return (
    <section className="card section" data-testid="lab-images">
      <div className="section-head">
        <h2>
          Images
          {images && <span className="section-sub">{missing.length === 0 ? 'all present' : `${missing.length} missing`}</span>}
        </h2>
        {buildable && (
          <button type="button" className="btn" onClick={onBuild} disabled={busy} title="Build the images of the lab's build: sections">
            <Icon name="build" /> Build
          </button>
        )}
      </div>
      {error && <div className="alert alert-error">{error}</div>}
      {!images && !error && <div className="loading">Loading images…</div>}
      {images && list.length === 0 && <p className="muted">This lab needs no image.</p>}
      {list.length > 0 && (
        <table className="table">
          <thead>
            <tr>
              <th>Image</th>
              <th>Services</th>
              <th>Status</th>
              <th className="num">Size</th>
            </tr>
          </thead>
          <tbody>
            {list.map((i) => (
              <tr key={i.name}>
                <td className="mono small wrap-anywhere">{i.name}</td>
                <td>{(i.services ?? []).join(', ')}</td>
                <td>
                  {i.present ? <span className="tag tag-ok">present</span> : <span className="tag tag-bad">missing</span>}
                  {i.build && <span className="tag">built locally</span>}
                </td>
                <td className="num">{i.present ? humanBytes(i.size) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {missingPulled.length > 0 && (
        <p className="muted small">
          Missing images are not pulled behind your back: pull them on the <a href="#/images">Images</a> page or load them
          with <code>docker load</code>.
        </p>
      )}
    </section>
  );
}
