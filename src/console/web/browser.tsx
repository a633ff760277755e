/** The message browser of one topic: a partition, a start (newest, oldest, an offset or a time) and a view (text, JSON, hex). */
import { useState } from 'preact/hooks';
import { api, type Browse, type Field, type Topic } from './api';
import { render, type View } from './format';
import { ErrorLine } from './main';

type Start = 'newest' | 'oldest' | 'offset' | 'timestamp';

export function MessageBrowser({ topic }: { topic: Topic }) {
  const [partition, setPartition] = useState('0');
  const [start, setStart] = useState<Start>('newest');
  const [at, setAt] = useState('');
  const [direction, setDirection] = useState<'newest' | 'oldest'>('newest');
  const [limit, setLimit] = useState('20');
  const [view, setView] = useState<View>('text');
  const [result, setResult] = useState<Browse | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = (e?: Event) => {
    e?.preventDefault();
    const query: Record<string, string> = { limit, order: start === 'newest' ? 'newest' : start === 'oldest' ? 'oldest' : direction };
    if (start === 'offset') query.offset = at.trim();
    if (start === 'timestamp') {
      const ms = /^\d+$/.test(at.trim()) ? Number(at.trim()) : Date.parse(at);
      if (Number.isNaN(ms)) { setError('give a time as milliseconds since 1970 or a date such as 2026-01-31T12:00:00Z'); return; }
      query.timestamp = String(ms);
    }
    api.browse(topic.name, Number(partition), query).then((r) => { setResult(r); setError(null); }, (err: Error) => setError(err.message));
  };

  return (
    <div class="card">
      <h2>Messages</h2>
      <form class="row" onSubmit={load} data-testid="browse">
        <label>Partition <select value={partition} onChange={(e) => setPartition(e.currentTarget.value)}>
          {topic.partitions.map((p) => <option key={p.partition} value={String(p.partition)}>{p.partition}</option>)}
        </select></label>
        <label>From <select name="start" value={start} onChange={(e) => setStart(e.currentTarget.value as Start)}>
          <option value="newest">newest</option><option value="oldest">oldest</option>
          <option value="offset">offset…</option><option value="timestamp">time…</option>
        </select></label>
        {(start === 'offset' || start === 'timestamp') && <>
          <label>{start === 'offset' ? 'Offset' : 'Time'} <input name="at" value={at} onInput={(e) => setAt(e.currentTarget.value)} required /></label>
          <label>Order <select name="order" value={direction} onChange={(e) => setDirection(e.currentTarget.value as 'newest' | 'oldest')}>
            <option value="newest">newest first</option><option value="oldest">oldest first</option>
          </select></label>
        </>}
        <label>Max <input name="limit" type="number" min="1" max="100" value={limit} onInput={(e) => setLimit(e.currentTarget.value)} /></label>
        <label>Show as <select name="view" value={view} onChange={(e) => setView(e.currentTarget.value as View)}>
          <option value="text">text</option><option value="json">JSON</option><option value="hex">hex</option>
        </select></label>
        <button type="submit">Show</button>
      </form>
      <ErrorLine error={error} />
      {result && <Messages result={result} view={view} />}
    </div>
  );
}

function Messages({ result, view }: { result: Browse; view: View }) {
  return (
    <>
      <p class="muted">Offsets {result.logStartOffset} to {result.logEndOffset - 1}; {result.messages.length} shown.</p>
      {result.skipped.map((s) => <p class="muted" key={s.firstOffset}>Offsets {s.firstOffset}-{s.lastOffset}: {s.note}</p>)}
      <ol class="messages" data-testid="messages">
        {result.messages.map((m) => (
          <li key={m.offset} data-testid="message">
            <div class="meta"><b>#{m.offset}</b> <time>{new Date(m.timestamp).toISOString()}</time></div>
            <FieldView label="key" field={m.key} view={view} />
            <FieldView label="value" field={m.value} view={view} />
            {m.headers.map((h, i) => <FieldView key={i} label={`header ${h.key}`} field={h.value} view={view} />)}
          </li>
        ))}
      </ol>
    </>
  );
}

function FieldView({ label, field, view }: { label: string; field: Field | null; view: View }) {
  const schema = field?.schema;
  return (
    <div class="field">
      <span class="label">{label}</span>
      {schema && <span class="tag" data-testid="schema-tag" title={schema.error ?? schema.note ?? ''}>schema {schema.id}{schema.type ? ` ${schema.type}` : ''}{schema.message ? ` ${schema.message}` : ''}{schema.error ? `: ${schema.error}` : ''}</span>}
      {schema?.note && <span class="tag" data-testid="schema-note">{schema.note}</span>}
      {field?.truncated && <span class="tag">first {Math.round(field.base64.length * 0.75)} of {field.size} bytes</span>}
      <pre data-testid={`field-${label.split(' ')[0]}`}>{render(field, view)}</pre>
    </div>
  );
}
