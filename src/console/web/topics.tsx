/** Topics: the list with a create form, and one topic's partitions, configs, test producer and message browser. */
import { useState } from 'preact/hooks';
import { api } from './api';
import { MessageBrowser } from './browser';
import { size } from './format';
import { ErrorLine, usePoll } from './main';

export function TopicsPage() {
  const { data: topics, error, reload } = usePoll(api.topics, []);
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('1');
  const [formError, setFormError] = useState<string | null>(null);
  const create = (e: Event) => {
    e.preventDefault();
    api.createTopic(name.trim(), Number(partitions)).then(() => { setName(''); setFormError(null); reload(); }, (err: Error) => setFormError(err.message));
  };
  return (
    <section>
      <h1>Topics</h1>
      <ErrorLine error={error} />
      <div class="scroll">
        <table data-testid="topics">
          <thead><tr><th>Name</th><th class="num">Partitions</th><th class="num">Records</th><th class="num">Size</th></tr></thead>
          <tbody>
            {(topics ?? []).map((t) => (
              <tr key={t.name}>
                <td><a href={`#/topic/${encodeURIComponent(t.name)}`}>{t.name}</a>{t.internal && <span class="tag">internal</span>}</td>
                <td class="num">{t.partitions.length}</td>
                <td class="num" data-testid={`records-${t.name}`}>{t.records}</td>
                <td class="num">{size(t.sizeBytes)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form class="card" onSubmit={create} data-testid="create-topic">
        <h2>Create a topic</h2>
        <label>Name <input name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} required maxLength={249} pattern="[a-zA-Z0-9._\-]+" /></label>
        <label>Partitions <input name="partitions" type="number" min="1" max="1000" value={partitions} onInput={(e) => setPartitions(e.currentTarget.value)} /></label>
        <button type="submit">Create</button>
        <ErrorLine error={formError} />
      </form>
    </section>
  );
}

export function TopicPage({ name }: { name: string }) {
  const { data: topic, error } = usePoll(() => api.topic(name), [name]);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const remove = () => {
    if (!confirm(`Delete topic ${name} and all its records?`)) return;
    api.deleteTopic(name).then(() => { location.hash = '#/'; }, (e: Error) => setDeleteError(e.message));
  };
  if (!topic) return <section><h1>{name}</h1><ErrorLine error={error} /></section>;
  const configs = Object.entries(topic.configs);
  return (
    <section>
      <h1>{topic.name} {topic.internal && <span class="tag">internal</span>}</h1>
      <ErrorLine error={error} />
      <div class="scroll">
        <table data-testid="partitions">
          <thead><tr><th class="num">Partition</th><th class="num">Start offset</th><th class="num">End offset</th><th class="num">Size</th><th class="num">Segments</th></tr></thead>
          <tbody>
            {topic.partitions.map((p) => (
              <tr key={p.partition}>
                <td class="num">{p.partition}</td><td class="num">{p.logStartOffset}</td>
                <td class="num" data-testid={`end-${p.partition}`}>{p.logEndOffset}</td>
                <td class="num">{size(p.sizeBytes)}</td><td class="num">{p.segments}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <details class="card">
        <summary>Configs ({configs.length === 0 ? 'broker defaults' : `${configs.length} set`})</summary>
        {configs.length === 0 ? <p>This topic uses the broker's defaults.</p> : (
          <table><tbody>{configs.map(([k, v]) => <tr key={k}><td>{k}</td><td>{v}</td></tr>)}</tbody></table>
        )}
      </details>
      <MessageBrowser topic={topic} />
      {!topic.internal && <ProduceForm topic={topic.name} partitions={topic.partitions.length} />}
      {!topic.internal && (
        <p><button class="danger" onClick={remove} data-testid="delete-topic">Delete topic</button></p>
      )}
      <ErrorLine error={deleteError} />
    </section>
  );
}

function ProduceForm({ topic, partitions }: { topic: string; partitions: number }) {
  const [partition, setPartition] = useState('0');
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [header, setHeader] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const send = (e: Event) => {
    e.preventDefault();
    const [hk, ...hv] = header.split('=');
    const headers = header.includes('=') && hk ? [{ key: hk, value: hv.join('=') }] : [];
    api.produce(topic, { partition: Number(partition), key: key === '' ? null : key, value, headers }).then(
      (r) => { setResult(`written at partition ${r.partition}, offset ${r.offset}`); setError(null); },
      (err: Error) => setError(err.message),
    );
  };
  return (
    <form class="card" onSubmit={send} data-testid="produce">
      <h2>Produce a test message</h2>
      <label>Partition <select value={partition} onChange={(e) => setPartition(e.currentTarget.value)}>
        {Array.from({ length: partitions }, (_, p) => <option key={p} value={String(p)}>{p}</option>)}
      </select></label>
      <label>Key <input name="key" value={key} onInput={(e) => setKey(e.currentTarget.value)} placeholder="(none)" /></label>
      <label class="wide">Value <textarea name="value" value={value} onInput={(e) => setValue(e.currentTarget.value)} rows={3} /></label>
      <label>Header <input name="header" value={header} onInput={(e) => setHeader(e.currentTarget.value)} placeholder="name=value" /></label>
      <button type="submit">Send</button>
      {result && <p class="ok">{result}</p>}
      <ErrorLine error={error} />
    </form>
  );
}
