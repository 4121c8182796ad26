// The compose text in CodeMirror 6 (YAML): line numbers, the lab loader's
// problems and the YAML syntax error as lint diagnostics on their lines (and
// in a list under the editor), every edit handed to onChange. Undo and redo
// are the editor's own (one history for the graph and the text): Ctrl+Z,
// Ctrl+Shift+Z and Ctrl+Y call them; Ctrl+S saves.
import { useEffect, useRef } from 'react';
import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { bracketMatching, HighlightStyle, indentOnInput, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { tags } from '@lezer/highlight';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Annotation, Compartment, EditorState, StateEffect, StateField, type Text } from '@codemirror/state';
import {
  Decoration,
  drawSelection,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  type DecorationSet,
} from '@codemirror/view';
import type { LabProblem, SyntaxError } from '../../api';
import './ComposeView.css';

export interface ComposeProps {
  value: string;
  /** the compose file's path (problems about other files are not marked in the text) */
  file: string;
  problems: LabProblem[];
  syntax: SyntaxError | null;
  readOnly: boolean;
  onChange: (text: string) => void;
  onUndo: () => void;
  onRedo: () => void;
  onSave: () => void;
}

/** Whether a problem is about the compose file (same path, or same base name when one is relative). */
export function aboutFile(p: LabProblem, file: string): boolean {
  if (!p.file || !file) return true;
  if (p.file === file) return true;
  const base = (s: string) => s.split('/').pop();
  return base(p.file) === base(file);
}

/** YAML's colours from the theme's variables (ComposeView.css), readable in light and dark. */
const highlight = HighlightStyle.define([
  { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: 'var(--cm-key)' },
  { tag: [tags.string, tags.special(tags.string)], color: 'var(--cm-string)' },
  { tag: [tags.number, tags.bool, tags.atom, tags.null], color: 'var(--cm-atom)' },
  { tag: [tags.comment, tags.lineComment, tags.blockComment], color: 'var(--cm-comment)', fontStyle: 'italic' },
  { tag: [tags.meta, tags.keyword, tags.labelName, tags.typeName], color: 'var(--cm-meta)' },
  { tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: 'var(--muted)' },
  { tag: tags.invalid, color: 'var(--bad)' },
]);

/** Text replaced from outside (a render, undo): not an edit to report back. */
const External = Annotation.define<boolean>();

const setMarked = StateEffect.define<DecorationSet>();
const markedLines = StateField.define<DecorationSet>({
  create: () => Decoration.none,
  update: (v, tr) => {
    for (const e of tr.effects) if (e.is(setMarked)) return e.value;
    return v.map(tr.changes);
  },
  provide: (f) => EditorView.decorations.from(f),
});

function lineAt(doc: Text, line: number) {
  return doc.line(Math.min(Math.max(1, line), doc.lines));
}

function diagnosticsOf(doc: Text, problems: LabProblem[], syntax: SyntaxError | null, file: string) {
  const diags: Diagnostic[] = [];
  const lines = new Map<number, 'error' | 'warning'>();
  if (syntax && syntax.line > 0) {
    const l = lineAt(doc, syntax.line);
    const from = Math.min(l.to, l.from + Math.max(0, (syntax.column || 1) - 1));
    diags.push({ from, to: Math.max(from, l.to), severity: 'error', message: `YAML: ${syntax.message}`, source: 'syntax' });
    lines.set(l.number, 'error');
  }
  for (const p of problems) {
    if (!p.line || !aboutFile(p, file)) continue;
    const l = lineAt(doc, p.line);
    diags.push({
      from: l.from,
      to: l.to,
      severity: p.severity === 'warning' ? 'warning' : 'error',
      message: p.field ? `${p.field}: ${p.message}` : p.message,
      source: 'dsp',
    });
    if (lines.get(l.number) !== 'error') lines.set(l.number, p.severity === 'warning' ? 'warning' : 'error');
  }
  const marks = [...lines.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([n, sev]) =>
      Decoration.line({ class: `cm-problem-line cm-problem-${sev}`, attributes: { 'data-problem-line': String(n) } }).range(doc.line(n).from),
    );
  return { diags, marks: Decoration.set(marks) };
}

export function ComposeView({ value, file, problems, syntax, readOnly, onChange, onUndo, onRedo, onSave }: ComposeProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const readOnlyConf = useRef(new Compartment());
  const handlers = useRef({ onChange, onUndo, onRedo, onSave });
  handlers.current = { onChange, onUndo, onRedo, onSave };

  useEffect(() => {
    if (!host.current) return;
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightActiveLine(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          indentUnit.of('  '),
          EditorState.tabSize.of(2),
          syntaxHighlighting(highlight),
          yaml(),
          lintGutter(),
          markedLines,
          keymap.of([
            { key: 'Mod-z', run: () => (handlers.current.onUndo(), true), preventDefault: true },
            { key: 'Mod-Shift-z', run: () => (handlers.current.onRedo(), true), preventDefault: true },
            { key: 'Mod-y', run: () => (handlers.current.onRedo(), true), preventDefault: true },
            { key: 'Mod-s', run: () => (handlers.current.onSave(), true), preventDefault: true },
            indentWithTab,
            ...defaultKeymap,
          ]),
          readOnlyConf.current.of([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]),
          EditorView.contentAttributes.of({ 'aria-label': 'Compose file', 'data-testid': 'compose-text' }),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((t) => t.annotation(External))) handlers.current.onChange(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    return () => {
      v.destroy();
      view.current = null;
    };
    // the editor is made once; value, problems and readOnly follow below
  }, []);

  // a value from elsewhere (a render of graph edits, undo): replace the text, keep the cursor where it can stay
  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const cur = v.state.doc.toString();
    if (cur === value) return;
    const head = Math.min(v.state.selection.main.head, value.length);
    v.dispatch({ changes: { from: 0, to: cur.length, insert: value }, selection: { anchor: head }, annotations: External.of(true) });
  }, [value]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    v.dispatch({ effects: readOnlyConf.current.reconfigure([EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)]) });
  }, [readOnly]);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const { diags, marks } = diagnosticsOf(v.state.doc, problems, syntax, file);
    v.dispatch(setDiagnostics(v.state, diags));
    v.dispatch({ effects: setMarked.of(marks) });
  }, [problems, syntax, file, value]);

  const listed = problems.filter((p) => aboutFile(p, file) || !p.line);
  const elsewhere = problems.filter((p) => !aboutFile(p, file) && p.line);
  return (
    <div className="compose-view">
      <div className="compose-editor" ref={host} />
      <section className="compose-problems" aria-label="Problems" data-testid="compose-problems">
        {syntax && (
          <p className="compose-problem compose-problem-error" role="alert" data-testid="syntax-error" data-line={syntax.line}>
            <strong>Line {syntax.line}{syntax.column ? `, column ${syntax.column}` : ''}:</strong> {syntax.message}
          </p>
        )}
        {listed.length === 0 && elsewhere.length === 0 && !syntax && <p className="muted compose-ok">No problems.</p>}
        {[...listed, ...elsewhere].map((p, i) => (
          <p key={i} className={`compose-problem compose-problem-${p.severity}`} data-testid="problem" data-line={p.line ?? ''}>
            <strong>
              {p.line ? `Line ${p.line}` : p.file ? p.file.split('/').pop() : ''}
              {!aboutFile(p, file) && p.file ? ` of ${p.file.split('/').pop()}` : ''}:
            </strong>{' '}
            {p.severity}: {p.field && <span className="mono">{p.field}: </span>}
            {p.message}
          </p>
        ))}
      </section>
    </div>
  );
}

