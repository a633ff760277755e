// The runner the three compatibility tables share: each case is one rule, at one level, with the
// outcome the rule gives; the table as a whole must exercise every level both ways.
import { expect, it } from 'vitest';
import { checkCompatibility, type CompatibilityLevel, type ParsedSchema } from '../../../src/registry/schemas/index.js';

export interface CompatCase<S> {
  /** The rule the case checks, in words. */
  rule: string;
  level: CompatibilityLevel;
  /** The subject's versions, newest first. */
  existing: S[];
  candidate: S;
  compatible: boolean;
  /** Words the messages must contain when the change is incompatible. */
  mentions?: string;
}

const LEVELS: CompatibilityLevel[] = ['NONE', 'BACKWARD', 'BACKWARD_TRANSITIVE', 'FORWARD', 'FORWARD_TRANSITIVE', 'FULL', 'FULL_TRANSITIVE'];

export function runCompatTable<S>(cases: CompatCase<S>[], parse: (schema: S) => ParsedSchema): void {
  it('has at least 40 cases and exercises every level both ways', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    for (const level of LEVELS) {
      expect(cases.some((c) => c.level === level && c.compatible), `${level} compatible`).toBe(true);
      if (level !== 'NONE') expect(cases.some((c) => c.level === level && !c.compatible), `${level} incompatible`).toBe(true);
    }
  });

  it.each(cases.map((c) => [`${c.level}: ${c.rule}`, c] as const))('%s', (_name, c) => {
    const result = checkCompatibility(c.level, parse(c.candidate), c.existing.map(parse));
    expect(result.compatible, result.messages.join('\n')).toBe(c.compatible);
    if (c.compatible) expect(result.messages).toEqual([]);
    else {
      expect(result.messages.length).toBeGreaterThan(0);
      if (c.mentions) expect(result.messages.join('\n')).toContain(c.mentions);
    }
  });
}
