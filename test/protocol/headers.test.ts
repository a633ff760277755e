import { describe, expect, it } from 'vitest';
import {
  ProtocolDecodeError, decodeRequestBody, decodeRequestHeader, decodeResponseFrame,
  encodeRequestFrame, encodeResponseFrame, requestHeaderVersion, responseHeaderVersion,
} from '../../protocol/index.js';

const withoutPrefix = (chunks: Buffer[]) => {
  const all = Buffer.concat(chunks);
  expect(all.readInt32BE(0)).toBe(all.length - 4);
  return all.subarray(4);
};

describe('request headers', () => {
  it('reads header v1 for non-flexible versions', () => {
    const frame = withoutPrefix(encodeRequestFrame(18, 2, 42, 'my-client', {}));
    expect([...frame]).toEqual([0, 18, 0, 2, 0, 0, 0, 42, 0, 9, ...Buffer.from('my-client')]);
    expect(decodeRequestHeader(frame)).toEqual({
      header: { apiKey: 18, apiVersion: 2, correlationId: 42, clientId: 'my-client' }, bodyOffset: frame.length,
    });
  });

  it('reads header v2 (INT16 client id, then tagged fields) for flexible versions', () => {
    const frame = withoutPrefix(encodeRequestFrame(18, 3, 7, null, { clientSoftwareName: 'x', clientSoftwareVersion: 'y' }));
    expect([...frame]).toEqual([0, 18, 0, 3, 0, 0, 0, 7, 0xff, 0xff, 0, 2, 0x78, 2, 0x79, 0]);
    const { header, bodyOffset } = decodeRequestHeader(frame);
    expect(header.clientId).toBeNull();
    expect(bodyOffset).toBe(11);
    expect(decodeRequestBody(18, 3, frame, bodyOffset)).toEqual({ clientSoftwareName: 'x', clientSoftwareVersion: 'y' });
  });

  it('treats a version above the max as flexible when the API has flexible versions', () => {
    expect(requestHeaderVersion(18, 5)).toBe(2);
    expect(requestHeaderVersion(17, 9)).toBe(1);
    const frame = Buffer.from([0, 18, 0, 5, 0, 0, 0, 1, 0, 1, 0x61, 1, 5, 0, 0x99]);
    // tagged block: one unknown tag (5) of size 0; the body starts after it.
    expect(decodeRequestHeader(frame).bodyOffset).toBe(14);
  });

  it('reads an unknown api key as header v1', () => {
    const frame = Buffer.from([0, 200, 0, 9, 0, 0, 0, 3, 0, 0, 1, 2]);
    expect(decodeRequestHeader(frame)).toEqual({
      header: { apiKey: 200, apiVersion: 9, correlationId: 3, clientId: '' }, bodyOffset: 10,
    });
  });

  it('throws ProtocolDecodeError on a truncated header', () => {
    expect(() => decodeRequestHeader(Buffer.from([0, 18, 0, 3, 0, 0]))).toThrow(ProtocolDecodeError);
    expect(() => decodeRequestHeader(Buffer.from([0, 18, 0, 3, 0, 0, 0, 1, 0, 5, 0x61]))).toThrow(ProtocolDecodeError);
    expect(() => decodeRequestHeader(Buffer.from([0, 18, 0, 3, 0, 0, 0, 1, 0, 0]))).toThrow(ProtocolDecodeError);
  });
});

describe('response frames', () => {
  it('uses response header v0 for ApiVersions even in flexible versions', () => {
    expect(responseHeaderVersion(18, 3)).toBe(0);
    const frame = withoutPrefix(encodeResponseFrame(18, 3, 9, { errorCode: 0, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] }));
    // correlation id, then the body directly: error code, compact array of 1 ...
    expect([...frame.subarray(0, 8)]).toEqual([0, 0, 0, 9, 0, 0, 2, 0]);
    const back = decodeResponseFrame(18, 3, frame);
    expect(back.correlationId).toBe(9);
    expect(back.body.apiKeys).toEqual([{ apiKey: 18, minVersion: 0, maxVersion: 4 }]);
  });

  it('uses response header v1 (empty tagged block) for other flexible versions', () => {
    expect(responseHeaderVersion(3, 9)).toBe(1);
    expect(responseHeaderVersion(3, 8)).toBe(0);
    const frame = withoutPrefix(encodeResponseFrame(12, 4, 5, { errorCode: 27 }));
    expect([...frame]).toEqual([0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 27, 0]);
    expect(decodeResponseFrame(12, 4, frame).body.errorCode).toBe(27);
  });

  it('keeps record chunks as separate buffers in the frame', () => {
    const records = Buffer.alloc(4096, 3);
    const chunks = encodeResponseFrame(1, 11, 1, { responses: [{ topic: 't', partitions: [{ records }] }] });
    expect(chunks).toContain(records);
    const back = decodeResponseFrame(1, 11, withoutPrefix(chunks));
    expect(back.body.responses![0]!.partitions![0]!.records).toEqual(records);
  });

  it('answers an unsupported ApiVersions request in the v0 body', () => {
    const frame = withoutPrefix(encodeResponseFrame(18, 0, 1, { errorCode: 35, apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 4 }] }));
    expect([...frame]).toEqual([0, 0, 0, 1, 0, 35, 0, 0, 0, 1, 0, 18, 0, 0, 0, 4]);
  });
});
