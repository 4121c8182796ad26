// A service's published ports: HTTP ones as links, the others as text.
import type { PublishedPort, ServicePort } from '../../api';
import { Icon } from '../../components/Icons';
import { portLink } from '../../format';

export function ServicePorts({ ports }: { ports: (ServicePort | PublishedPort)[] }) {
  if (ports.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="plain-list">
      {ports.map((p, i) => {
        const proto = p.protocol || 'tcp';
        const host = String(p.host ?? '');
        const link = portLink(p);
        return (
          <li key={i}>
            {link ? (
              <a href={link} target="_blank" rel="noopener noreferrer" className="port-link" data-testid="port-link">
                {link.replace(/\/$/, '')}
                <Icon name="external" size={13} />
              </a>
            ) : host ? (
              <span className="mono">
                {p.hostIP && p.hostIP !== '0.0.0.0' ? `${p.hostIP}:` : ''}
                {host}
              </span>
            ) : null}
            <span className="muted mono port-inner">
              {host ? ' → ' : ''}
              {p.container}/{proto}
            </span>
          </li>
        );
      })}
    </ul>
  );
}
