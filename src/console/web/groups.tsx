/** Consumer groups: the list with total lag, and one group's members, assignments, committed offsets and lag (live). */
import { api } from './api';
import { ErrorLine, usePoll } from './main';

export function GroupsPage() {
  const { data: groups, error } = usePoll(api.groups, []);
  return (
    <section>
      <h1>Consumer groups</h1>
      <ErrorLine error={error} />
      {groups && groups.length === 0 && <p class="muted">No consumer groups yet.</p>}
      <div class="scroll">
        <table data-testid="groups">
          <thead><tr><th>Group</th><th>State</th><th class="num">Members</th><th class="num">Lag</th></tr></thead>
          <tbody>
            {(groups ?? []).map((g) => (
              <tr key={g.groupId}>
                <td><a href={`#/group/${encodeURIComponent(g.groupId)}`}>{g.groupId}</a></td>
                <td>{g.state}</td><td class="num">{g.members}</td>
                <td class="num" data-testid={`group-lag-${g.groupId}`}>{g.lag}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function GroupPage({ id }: { id: string }) {
  const { data: group, error } = usePoll(() => api.group(id), [id]);
  if (!group) return <section><h1>{id}</h1><ErrorLine error={error} /></section>;
  return (
    <section>
      <h1>{group.groupId}</h1>
      <p>State <b data-testid="group-state">{group.state}</b>{group.protocol && <> · protocol {group.protocol}</>} · total lag <b data-testid="group-lag">{group.lag}</b></p>
      <ErrorLine error={error} />
      <h2>Members</h2>
      {group.memberList.length === 0 && <p class="muted">No members.</p>}
      <div class="scroll">
        <table data-testid="members">
          <thead><tr><th>Client</th><th>Host</th><th>Assignment</th></tr></thead>
          <tbody>
            {group.memberList.map((m) => (
              <tr key={m.memberId}>
                <td title={m.memberId}>{m.clientId}</td><td>{m.clientHost}</td>
                <td>{m.assignment === null ? 'unknown' : m.assignment.map((a) => `${a.topic} [${a.partitions.join(', ')}]`).join('; ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h2>Committed offsets</h2>
      <div class="scroll">
        <table data-testid="offsets">
          <thead><tr><th>Topic</th><th class="num">Partition</th><th class="num">Committed</th><th class="num">End offset</th><th class="num">Lag</th></tr></thead>
          <tbody>
            {group.offsets.map((o) => (
              <tr key={`${o.topic}/${o.partition}`}>
                <td><a href={`#/topic/${encodeURIComponent(o.topic)}`}>{o.topic}</a></td><td class="num">{o.partition}</td>
                <td class="num">{o.committed}</td><td class="num">{o.logEndOffset}</td><td class="num">{o.lag}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
