// The editor's graph (@xyflow/react): network nodes and service nodes, an
// edge per attachment of a service to a network (its static address, or
// "auto", as the label). A palette adds nodes (drag "+ Network" / "+ Service"
// onto the canvas, or click them); dragging from a service's handle to a
// network (either way round) attaches it; Delete removes the selection;
// Controls zoom and fit; "Auto-layout" places every node again. The graph is
// controlled: nodes and edges are computed from the Doc and the positions.
import { memo, useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background,
  ConnectionMode,
  Controls,
  Handle,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
  type NodeProps,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { ModelProblem } from '../../api';
import { netNodeId, problemsFor, serviceRisks, svcNodeId, type Doc, type NetItem, type Positions, type SvcItem, type XY } from './model';
import './GraphView.css';

const DND_TYPE = 'application/x-dsp-node';

type NetNodeData = { kind: 'network'; item: NetItem; problems: number };
type SvcNodeData = { kind: 'service'; item: SvcItem; problems: number; risks: string[] };
type NetNode = Node<NetNodeData, 'network'>;
type SvcNode = Node<SvcNodeData, 'service'>;
type GraphNode = NetNode | SvcNode;

const NetworkNode = memo(function NetworkNode({ data, selected }: NodeProps<NetNode>) {
  const n = data.item;
  return (
    <div
      className={`gnode gnode-net${selected ? ' is-selected' : ''}${data.problems ? ' has-problems' : ''}`}
      data-testid="graph-network"
      data-name={n.name}
    >
      <Handle type="source" position={Position.Top} id="top" className="ghandle" />
      <div className="gnode-title">
        <span className="gnode-kind">network</span> <strong>{n.name}</strong>
        {n.internal && <span className="gtag">internal</span>}
      </div>
      <div className="gnode-sub mono">{n.subnet || 'subnet: automatic'}</div>
      {data.problems > 0 && (
        <span className="gnode-problem" title={`${data.problems} problem${data.problems === 1 ? '' : 's'}`}>
          !
        </span>
      )}
      <Handle type="source" position={Position.Bottom} id="bottom" className="ghandle" />
    </div>
  );
});

const ServiceNode = memo(function ServiceNode({ data, selected }: NodeProps<SvcNode>) {
  const s = data.item;
  return (
    <div
      className={`gnode gnode-svc${selected ? ' is-selected' : ''}${data.problems ? ' has-problems' : ''}`}
      data-testid="graph-service"
      data-name={s.name}
    >
      <Handle type="source" position={Position.Top} id="top" className="ghandle" />
      <div className="gnode-title">
        <strong>{s.name}</strong>
        {data.risks.length > 0 && (
          <span className="gtag gtag-risk" title={`Risky: ${data.risks.join(', ')}`}>
            risk
          </span>
        )}
      </div>
      <div className="gnode-sub mono">{s.image || 'no image'}</div>
      {data.problems > 0 && (
        <span className="gnode-problem" title={`${data.problems} problem${data.problems === 1 ? '' : 's'}`}>
          !
        </span>
      )}
      <Handle type="source" position={Position.Bottom} id="bottom" className="ghandle" />
    </div>
  );
});

const nodeTypes = { network: NetworkNode, service: ServiceNode };

export interface GraphApi {
  /** the middle of the visible canvas, in graph coordinates */
  centre: () => XY;
  fit: () => void;
}

export interface GraphProps {
  doc: Doc;
  positions: Positions;
  modelProblems: ModelProblem[];
  readOnly: boolean;
  selection: string[];
  onSelect: (nodeIds: string[]) => void;
  onMove: (positions: Positions, burst: string) => void;
  onAdd: (kind: 'network' | 'service', at?: XY) => void;
  onConnect: (svcUid: string, netUid: string) => void;
  onDelete: (nodeIds: string[], edges: { svcUid: string; network: string }[]) => void;
  onAutoLayout: () => void;
  onReady: (api: GraphApi) => void;
  /** bumped to fit the view to the nodes once they are drawn where they are now (after an auto-layout) */
  fitRequest: number;
}

function Graph(props: GraphProps) {
  const { doc, positions, modelProblems, readOnly, selection, onSelect, onMove, onAdd, onConnect, onDelete, onAutoLayout, onReady, fitRequest } = props;
  const flow = useReactFlow();
  const wrap = useRef<HTMLDivElement>(null);
  const [selectedEdges, setSelectedEdges] = useState<string[]>([]);

  useEffect(() => {
    onReady({
      centre: () => {
        const r = wrap.current?.getBoundingClientRect();
        if (!r) return { x: 0, y: 0 };
        return flow.screenToFlowPosition({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
      },
      fit: () => flow.fitView({ padding: 0.2, duration: 200 }),
    });
  }, [flow, onReady]);

  // xyflow takes the new positions in an effect of its own: fit on the frame after
  useEffect(() => {
    if (!fitRequest) return;
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => flow.fitView({ padding: 0.25, maxZoom: 1.1 }));
    });
    return () => cancelAnimationFrame(frame);
  }, [fitRequest, flow]);

  const netByName = useMemo(() => new Map(doc.networks.map((n) => [n.name, n])), [doc.networks]);

  const nodes: GraphNode[] = useMemo(() => {
    const sel = new Set(selection);
    const list: GraphNode[] = [];
    for (const n of doc.networks) {
      const id = netNodeId(n.uid);
      list.push({
        id,
        type: 'network',
        position: positions[n.uid] ?? { x: 0, y: 0 },
        data: { kind: 'network', item: n, problems: problemsFor(modelProblems, `networks.${n.name}`).length },
        selected: sel.has(id),
        ariaLabel: `Network ${n.name}${n.subnet ? ` ${n.subnet}` : ''}`,
        ariaRole: 'button',
        draggable: !readOnly,
        deletable: !readOnly,
      });
    }
    for (const s of doc.services) {
      const id = svcNodeId(s.uid);
      list.push({
        id,
        type: 'service',
        position: positions[s.uid] ?? { x: 0, y: 0 },
        data: { kind: 'service', item: s, problems: problemsFor(modelProblems, `services.${s.name}`).length, risks: serviceRisks(s) },
        selected: sel.has(id),
        ariaLabel: `Service ${s.name}`,
        ariaRole: 'button',
        draggable: !readOnly,
        deletable: !readOnly,
      });
    }
    return list;
  }, [doc, positions, modelProblems, selection, readOnly]);

  const edges: Edge[] = useMemo(() => {
    const sel = new Set(selectedEdges);
    const list: Edge[] = [];
    for (const s of doc.services) {
      for (const a of s.networks) {
        const net = netByName.get(a.network);
        if (!net) continue;
        const sp = positions[s.uid] ?? { x: 0, y: 0 };
        const np = positions[net.uid] ?? { x: 0, y: 0 };
        const above = sp.y < np.y;
        const id = `att:${s.uid}:${a.network}`;
        list.push({
          id,
          source: svcNodeId(s.uid),
          target: netNodeId(net.uid),
          sourceHandle: above ? 'bottom' : 'top',
          targetHandle: above ? 'top' : 'bottom',
          label: a.ipv4 || 'auto',
          className: a.ipv4 ? 'gedge gedge-static' : 'gedge',
          selected: sel.has(id),
          deletable: !readOnly,
          ariaLabel: `${s.name} on ${a.network}${a.ipv4 ? ` at ${a.ipv4}` : ''}`,
          data: { svcUid: s.uid, network: a.network },
        });
      }
    }
    return list;
  }, [doc.services, netByName, positions, selectedEdges, readOnly]);

  const onNodesChange = useCallback(
    (changes: NodeChange<GraphNode>[]) => {
      let moved: Positions | null = null;
      let burst = '';
      let sel: Set<string> | null = null;
      for (const c of changes) {
        if (c.type === 'position' && c.position && !readOnly) {
          const uid = c.id.slice(4);
          moved = moved ?? { ...positions };
          moved[uid] = { x: c.position.x, y: c.position.y };
          burst = `drag:${c.id}`;
        } else if (c.type === 'select') {
          sel = sel ?? new Set(selection);
          if (c.selected) sel.add(c.id);
          else sel.delete(c.id);
        }
      }
      if (moved) onMove(moved, burst);
      if (sel) onSelect([...sel]);
    },
    [positions, selection, readOnly, onMove, onSelect],
  );

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    setSelectedEdges((cur) => {
      let next: Set<string> | null = null;
      for (const c of changes) {
        if (c.type === 'select') {
          next = next ?? new Set(cur);
          if (c.selected) next.add(c.id);
          else next.delete(c.id);
        }
      }
      return next ? [...next] : cur;
    });
  }, []);

  const connect = useCallback(
    (c: Connection) => {
      const ends = [c.source, c.target];
      const svc = ends.find((e) => e.startsWith('svc:'));
      const net = ends.find((e) => e.startsWith('net:'));
      if (svc && net) onConnect(svc.slice(4), net.slice(4));
    },
    [onConnect],
  );

  const isValidConnection = useCallback((c: Connection | Edge) => {
    const kinds = [c.source.slice(0, 4), c.target.slice(0, 4)].sort().join();
    return kinds === 'net:,svc:';
  }, []);

  const drop = (e: DragEvent) => {
    const kind = e.dataTransfer.getData(DND_TYPE);
    if (kind !== 'network' && kind !== 'service') return;
    e.preventDefault();
    const at = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    onAdd(kind, { x: at.x - 80, y: at.y - 24 });
  };

  return (
    <div className="graph" ref={wrap} onDragOver={(e) => e.preventDefault()} onDrop={drop} data-testid="graph">
      <ReactFlow<GraphNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={connect}
        isValidConnection={isValidConnection}
        connectionMode={ConnectionMode.Loose}
        onDelete={({ nodes: ns, edges: es }) =>
          onDelete(
            ns.map((n) => n.id),
            es.map((x) => x.data as { svcUid: string; network: string }).filter(Boolean),
          )
        }
        onPaneClick={() => {
          onSelect([]);
          setSelectedEdges([]);
        }}
        deleteKeyCode={readOnly ? null : ['Delete', 'Backspace']}
        nodesConnectable={!readOnly}
        nodesDraggable={!readOnly}
        elementsSelectable
        fitView
        fitViewOptions={{ padding: 0.25, maxZoom: 1.1 }}
        minZoom={0.2}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
        ariaLabelConfig={{ 'node.a11yDescription.default': 'Press Enter or Space to select it, Delete to remove it, arrow keys to move it.' }}
      >
        <Background gap={20} size={1} />
        <Controls showInteractive={false} position="bottom-right" aria-label="Zoom" />
      </ReactFlow>
      {!readOnly && (
        <div className="palette" role="toolbar" aria-label="Add to the graph">
          <button
            type="button"
            className="btn btn-sm palette-item"
            draggable
            onDragStart={(e) => {
              e.dataTransfer.setData(DND_TYPE, 'network');
              e.dataTransfer.effectAllowed = 'copy';
            }}
            onClick={() => onAdd('network')}
            title="Drag onto the canvas, or click (Shift+N)"
            data-testid="palette-network"
          >
            + Network
          </button>
          <button
            type="button"
            className="btn btn-sm palette-item"
            draggable
            onDragStart={(e) => {
              e.dataTransfer.setData(DND_TYPE, 'service');
              e.dataTransfer.effectAllowed = 'copy';
            }}
            onClick={() => onAdd('service')}
            title="Drag onto the canvas, or click (N)"
            data-testid="palette-service"
          >
            + Service
          </button>
          <button type="button" className="btn btn-sm btn-ghost" onClick={onAutoLayout}>
            Auto-layout
          </button>
        </div>
      )}
      {doc.networks.length + doc.services.length === 0 && (
        <div className="graph-empty">
          {readOnly ? 'This lab has no services.' : 'Drag “+ Network” and “+ Service” onto the canvas, then drag from a service to a network to attach it.'}
        </div>
      )}
    </div>
  );
}

export function GraphView(props: GraphProps) {
  return (
    <ReactFlowProvider>
      <Graph {...props} />
    </ReactFlowProvider>
  );
}
