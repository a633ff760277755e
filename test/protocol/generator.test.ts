// The generated tables are checked in; regenerating from the same specs must reproduce them
// exactly. Needs Kafka's message specs beside the repository (../shared/kafka-protocol).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ERROR_RETRIABLE, MESSAGE_SPECS } from '../../protocol/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const specs = path.join(root, '..', 'shared', 'kafka-protocol', 'messages');
const generated = path.join(root, 'protocol', 'generated');

describe('generated protocol tables', () => {
  it.skipIf(!existsSync(specs))('are reproduced byte for byte by scripts/gen-protocol.mjs', () => {
    const out = mkdtempSync(path.join(tmpdir(), 'brooklet-gen-'));
    try {
      execFileSync(process.execPath, [path.join(root, 'scripts', 'gen-protocol.mjs'), specs, out], { stdio: 'pipe' });
      const files = readdirSync(generated).sort();
      expect(readdirSync(out).sort()).toEqual(files);
      for (const f of files) {
        expect(readFileSync(path.join(out, f), 'utf8'), f).toBe(readFileSync(path.join(generated, f), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('carry the facts the broker relies on', () => {
    expect(MESSAGE_SPECS.size).toBe(38);
    const apiVersions = MESSAGE_SPECS.get(18)!.response;
    expect(apiVersions.flexibleVersions).toEqual([3, 0x7fff]);
    expect(apiVersions.fields.find((f) => f.name === 'supportedFeatures')).toMatchObject({ tag: 0, tagged: [3, 0x7fff], array: true });
    const produce = MESSAGE_SPECS.get(0)!.request;
    expect(produce.fields[0]).toMatchObject({ name: 'transactionalId', type: 'string', versions: [3, 0x7fff], nullable: [3, 0x7fff], default: null });
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35);
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1);
    expect(ERROR_RETRIABLE[ErrorCode.NOT_LEADER_OR_FOLLOWER]).toBe(true);
    expect(ERROR_RETRIABLE[ErrorCode.OFFSET_OUT_OF_RANGE]).toBe(false);
  });
});
