// Byte-exact ApiVersions requests captured from real clients (see fixtures/README.md).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeRequestBody, decodeRequestHeader, encodeRequestFrame } from '../../protocol/index.js';

const dir = new URL('./fixtures/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.hex')).sort();

/** What each client puts in the v3+ body (ClientSoftwareName, ClientSoftwareVersion). */
const SOFTWARE: Record<string, [string, RegExp]> = {
  'librdkafka': ['confluent-kafka-python', /^2\.\d+\.\d+-rdkafka-2\.\d+\.\d+$/],
  'java-kafka-clients': ['apache-kafka-java', /^4\.1\.1$/],
};

describe('ApiVersions requests from real clients', () => {
  it('has fixtures for every version 0-4 from kafkajs, librdkafka and Java', () => {
    expect(files).toEqual(expect.arrayContaining([
      'kafkajs-api-versions-v0.hex', 'kafkajs-api-versions-v1.hex', 'kafkajs-api-versions-v2.hex',
      'librdkafka-api-versions-v3.hex', 'java-kafka-clients-api-versions-v4.hex',
    ]));
  });

  it.each(files)('%s decodes and re-encodes to identical bytes', (file) => {
    const [, client, version] = /^(.*)-api-versions-v(\d+)\.hex$/.exec(file)!;
    const whole = Buffer.from(readFileSync(new URL(file, dir), 'utf8').trim(), 'hex');
    expect(whole.readInt32BE(0)).toBe(whole.length - 4);
    const frame = whole.subarray(4);

    const { header, bodyOffset } = decodeRequestHeader(frame);
    expect(header.apiKey).toBe(18);
    expect(header.apiVersion).toBe(Number(version));
    expect(header.clientId).toBe('brooklet-capture');
    const body = decodeRequestBody(18, header.apiVersion, frame, bodyOffset);
    if (header.apiVersion >= 3) {
      const [name, versionPattern] = SOFTWARE[client!]!;
      expect(body.clientSoftwareName).toBe(name);
      expect(body.clientSoftwareVersion).toMatch(versionPattern);
    } else {
      expect(bodyOffset).toBe(frame.length);
    }

    const again = Buffer.concat(encodeRequestFrame(18, header.apiVersion, header.correlationId, header.clientId, body));
    expect(again.toString('hex')).toBe(whole.toString('hex'));
  });
});
