// A service's published ports: HTTP ones as links, the others as text, each
// with the address it binds (127.0.0.1 unless the lab is exposed) and a
// "network" tag on those other machines can reach.
import type { PublishedPort, ServicePort } from '../../api';
import { Icon } from '../../components/Icons';
import { hostForUrl, onNetwork, portLink } from '../../format';

export function ServicePorts({
  ports,
  published,
  exposed,
}: {
  ports: (ServicePort | PublishedPort)[];
  /** the ports of a running container (with the address Docker bound), not the lab's definition */
  published: boolean;
  /** the lab is exposed (undefined: a dsp that does not say; the definition is then shown as written) */
  exposed?: boolean;
}) {
  if (ports.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="plain-list">
      {ports.map((p, i) => {
        const proto = p.protocol || 'tcp';
        const host = String(p.host ?? '');
        // where the port binds: what Docker says, or for a definition what the next start will bind
        const addr = published || exposed === undefined ? String(p.hostIP ?? '') : exposed ? String(p.hostIP ?? '') : '127.0.0.1';
        const reachable = addr ? onNetwork(addr) : published || exposed !== false;
        const link = portLink({ ...p, hostIP: addr });
        const where = reachable
          ? 'offered to the network: other machines can reach it'
          : 'on this machine only (loopback): other machines cannot reach it';
        return (
          <li key={i} data-port={p.container} data-host-ip={addr || undefined}>
            {link ? (
              <a href={link} target="_blank" rel="noopener noreferrer" className="port-link" data-testid="port-link" title={where}>
                {link.replace(/\/$/, '')}
                <Icon name="external" size={13} />
              </a>
            ) : host || addr ? (
              <span className="mono" title={host ? where : `a free port, picked at start; ${where}`}>
                {addr ? hostForUrl(addr) : ''}
                {addr && host ? ':' : ''}
                {host}
              </span>
            ) : null}
            <span className="muted mono port-inner">
              {host || addr ? ' → ' : ''}
              {p.container}/{proto}
            </span>
            {reachable && (
              <span className="tag tag-warn" title={where}>
                network
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}
