// The lab's story: title, author, labels, and description, goal and solution
// as Markdown, each a textarea with its preview (the app's Markdown rendering,
// sanitised: rich.ts through RichText). An upstream lab writes its texts in
// HTML: the preview renders them as HTML.
import { useId, useState } from 'react';
import { RichText } from '../../components/RichText';
import type { WorkStory } from './model';
import './StoryView.css';

function MarkdownField({
  label,
  value,
  format,
  readOnly,
  onChange,
  rows = 6,
}: {
  label: string;
  value: string;
  format: string;
  readOnly: boolean;
  onChange: (v: string) => void;
  rows?: number;
}) {
  const id = useId();
  return (
    <div className="story-field">
      <label htmlFor={id}>{label}</label>
      <div className="story-pair">
        <textarea id={id} value={value} rows={rows} readOnly={readOnly} onChange={(e) => onChange(e.target.value)} spellCheck />
        <div className="story-preview" aria-label={`${label} preview`} role="region">
          {value.trim() ? <RichText text={value} format={format} /> : <p className="muted">Nothing yet.</p>}
        </div>
      </div>
    </div>
  );
}

export function StoryView({
  story,
  format,
  readOnly,
  onChange,
}: {
  story: WorkStory;
  format: string;
  readOnly: boolean;
  onChange: (s: WorkStory) => void;
}) {
  const [label, setLabel] = useState('');
  const titleId = useId();
  const authorId = useId();
  const labelId = useId();
  const textFormat = format === 'upstream' ? 'html' : 'markdown';
  const set = (k: keyof WorkStory, v: WorkStory[keyof WorkStory]) => onChange({ ...story, [k]: v });
  const addLabel = () => {
    const l = label.trim();
    if (l && !story.labels.includes(l)) set('labels', [...story.labels, l]);
    setLabel('');
  };
  return (
    <div className="story" data-testid="story">
      <div className="story-top">
        <div className="story-field">
          <label htmlFor={titleId}>Title</label>
          <input id={titleId} type="text" value={story.title} readOnly={readOnly} onChange={(e) => set('title', e.target.value)} />
        </div>
        <div className="story-field">
          <label htmlFor={authorId}>Author</label>
          <input id={authorId} type="text" value={story.author} readOnly={readOnly} onChange={(e) => set('author', e.target.value)} />
        </div>
      </div>
      <div className="story-field">
        <span id={labelId}>Labels</span>
        <div className="story-labels" role="group" aria-labelledby={labelId}>
          {story.labels.map((l) => (
            <span key={l} className="chip chip-plain story-label">
              {l}
              {!readOnly && (
                <button type="button" className="story-label-x" aria-label={`Remove label ${l}`} onClick={() => set('labels', story.labels.filter((x) => x !== l))}>
                  ✕
                </button>
              )}
            </span>
          ))}
          {!readOnly && (
            <form
              className="story-label-add"
              onSubmit={(e) => {
                e.preventDefault();
                addLabel();
              }}
            >
              <input type="text" aria-label="New label" placeholder="CTF, Linux…" value={label} onChange={(e) => setLabel(e.target.value)} />
              <button type="submit" className="btn btn-sm" disabled={!label.trim()}>
                Add label
              </button>
            </form>
          )}
        </div>
      </div>
      <MarkdownField label="Description" value={story.description} format={textFormat} readOnly={readOnly} onChange={(v) => set('description', v)} rows={4} />
      <MarkdownField label="Goal" value={story.goal} format={textFormat} readOnly={readOnly} onChange={(v) => set('goal', v)} />
      <MarkdownField label="Solution" value={story.solution} format={textFormat} readOnly={readOnly} onChange={(v) => set('solution', v)} rows={8} />
    </div>
  );
}
