/** The console's calls to its own JSON API (/api/, src/console/routes.ts); errors carry the server's message. */
export interface Field { base64: string; size: number; truncated: boolean; schema?: { id: number; type?: string; message?: string; json?: string; note?: string; error?: string } }
export interface Message { offset: number; timestamp: number; key: Field | null; value: Field | null; headers: { key: string; value: Field | null }[] }
export interface Browse { logStartOffset: number; logEndOffset: number; messages: Message[]; skipped: { firstOffset: number; lastOffset: number; note: string }[] }
export interface Partition { partition: number; logStartOffset: number; logEndOffset: number; sizeBytes: number; segments: number }
export interface Topic { name: string; internal: boolean; partitions: Partition[]; configs: Record<string, string>; sizeBytes: number; records: number }
export interface GroupSummary { groupId: string; state: string; protocolType: string; members: number; lag: number }
export interface Lag { group: string; topic: string; partition: number; committed: number; logEndOffset: number; lag: number }
export interface GroupDetail extends GroupSummary {
  protocol: string;
  memberList: { memberId: string; clientId: string; clientHost: string; assignment: { topic: string; partitions: number[] }[] | null }[];
  offsets: Lag[];
}
export interface Overview { bootstrap: string; clusterId: string; nodeId: number; topics: number; groups: number; schemaRegistry: boolean }

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error((data as { error?: string }).error ?? `HTTP ${res.status}`);
  return data as T;
}

const enc = encodeURIComponent;
export const api = {
  overview: () => call<Overview>('GET', '/api/overview'),
  topics: () => call<Topic[]>('GET', '/api/topics'),
  topic: (name: string) => call<Topic>('GET', `/api/topics/${enc(name)}`),
  createTopic: (name: string, partitions: number) => call<Topic>('POST', '/api/topics', { name, partitions }),
  deleteTopic: (name: string) => call<void>('DELETE', `/api/topics/${enc(name)}`),
  produce: (topic: string, m: { partition: number; key: string | null; value: string; headers: { key: string; value: string }[] }) =>
    call<{ partition: number; offset: number }>('POST', `/api/topics/${enc(topic)}/messages`, m),
  browse: (topic: string, partition: number, query: Record<string, string>) =>
    call<Browse>('GET', `/api/topics/${enc(topic)}/partitions/${partition}/messages?${new URLSearchParams(query)}`),
  groups: () => call<GroupSummary[]>('GET', '/api/groups'),
  group: (id: string) => call<GroupDetail>('GET', `/api/groups/${enc(id)}`),
};
