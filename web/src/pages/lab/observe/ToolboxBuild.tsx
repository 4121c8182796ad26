// Building dsp's toolbox image from the browser when it is missing (make
// images builds it too): a button, the build's log as it runs (its `progress`
// events), its end. The Toolboxes card shows the whole panel; the Tools card
// a note in one line where a tool's image is dsp's toolbox. A 409 (its base
// image dsp/debian:bookworm is missing, or a build runs already) is shown
// with the server's words: they say to run make images.
import { ErrorAlert } from '../../../components/ErrorAlert';
import { Icon } from '../../../components/Icons';
import { ProgressLog } from '../../../components/ProgressLog';
import { messageOf } from './common';
import type { ToolboxBuild } from './useObserve';

/** "dsp/toolbox:latest" → "dsp/toolbox": the button's words. */
function withoutTag(image: string): string {
  return image.replace(/:[^/:]+$/, '');
}

function BuildButton({ build, small }: { build: ToolboxBuild; small?: boolean }) {
  const running = build.op?.state === 'running';
  return (
    <button
      type="button"
      className={`btn btn-primary${small ? ' btn-sm' : ''}`}
      onClick={() => void build.start()}
      disabled={build.starting || running}
      title={`Build ${build.image} from the build context inside dsp (from dsp/debian:bookworm, which make images makes)`}
      data-testid="toolbox-build-button"
    >
      <Icon name="build" size={small ? 14 : 15} /> {build.starting ? 'Starting…' : `Build ${withoutTag(build.image)}`}
    </button>
  );
}

/** The Toolboxes card's panel: shown while dsp's toolbox is missing, while it builds, and once built here. */
export function ToolboxBuildPanel({ build }: { build: ToolboxBuild }) {
  const { op, image } = build;
  const running = op?.state === 'running';
  if (!image || (!build.missing && !running && !build.built)) return null;
  return (
    <div className="toolbox-build" data-testid="toolbox-build" data-state={op?.state ?? 'none'} aria-live="polite">
      <div className="toolbox-build-head">
        <Icon name={build.built ? 'check' : 'info'} size={15} />
        <span className="toolbox-build-what" data-testid="toolbox-build-status">
          {build.built ? (
            <>
              <span className="mono">{image}</span> is built: pick it in the form below.
            </>
          ) : running ? (
            <>
              Building <span className="mono">{image}</span>…
            </>
          ) : (
            <>
              dsp’s toolbox <span className="mono">{image}</span> (nmap, tcpdump, tshark, hydra, curl…) is not on the Docker Engine:
              build it here, or run <code>make images</code>.
            </>
          )}
        </span>
        {build.missing && !running && <BuildButton build={build} />}
      </div>
      <ErrorAlert error={build.error} lead="Not built:" testId="toolbox-build-error" />
      {op?.state === 'failed' && (
        <div className="alert alert-error" role="alert" data-testid="toolbox-build-failed">
          <strong>The build failed:</strong> {op.error || 'see its log below.'}
        </div>
      )}
      {op && (running || op.state === 'failed') && <ProgressLog op={op} empty="Starting the build…" />}
      {op && build.built && (
        <details className="toolbox-build-log">
          <summary className="small">The build’s log</summary>
          <ProgressLog op={op} />
        </details>
      )}
    </div>
  );
}

/** The Tools card's note for a tool whose image is dsp's toolbox and missing: the build in one line. */
export function ToolboxBuildNote({ build }: { build: ToolboxBuild }) {
  const { op, image } = build;
  const running = op?.state === 'running';
  const last = running ? op.events[op.events.length - 1] : undefined;
  return (
    <span className="toolbox-build-note small" data-testid="tool-image-missing">
      {running ? (
        <span className="muted" data-testid="tool-image-building">
          Building its image <span className="mono">{image}</span>…{last?.message ? ` ${last.message}` : ''}
        </span>
      ) : (
        <>
          <span className="text-bad">
            Its image <span className="mono">{image}</span> is not on the Docker Engine:
          </span>
          <BuildButton build={build} small />
          <span className="muted">
            or run <code>make images</code>.
          </span>
        </>
      )}
      {!running && op?.state === 'failed' && (
        <span className="text-bad" data-testid="tool-image-build-failed">
          The last build failed: {op.error || 'see the Toolboxes card'}
        </span>
      )}
      {build.error != null && (
        <span className="text-bad" role="alert" data-testid="tool-image-build-error">
          Not built: {messageOf(build.error)}
        </span>
      )}
    </span>
  );
}
