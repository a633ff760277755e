/** A compressed payload that cannot be decompressed: corrupt, truncated, or larger than its cap. */
export class CodecError extends Error {
  constructor(
    readonly codec: string,
    message: string,
  ) {
    super(`${codec}: ${message}`);
  }
}

/** The cap in words, for messages. */
export function describeBytes(n: number): string {
  return n >= 1 << 20 && n % (1 << 20) === 0 ? `${n / (1 << 20)} MiB` : `${n} bytes`;
}
