/**
 * /config and /mode: the compatibility level and the mode, global and per subject.
 * - GET /config/{s} of a subject without its own level answers 40408 unless `defaultToGlobal=true`
 *   (the kafkajs client's register() reads 40408 as "the global level applies"); /mode/{s} the
 *   same with 40409.
 * - PUT answers {"compatibility": L} / {"mode": M}; GET answers {"compatibilityLevel": L} /
 *   {"mode": M}; DELETE answers what was set before and falls back to the next level up.
 * - Levels and modes are read case-insensitively and stored upper-case; others are 42203 / 42204.
 * - IMPORT mode is refused (42205) on a registry or subject that already has schemas, unless
 *   `force=true`, so imported ids cannot collide with ids already given out.
 */
import { ErrorCode, RegistryError, subjectNotFound, unprocessable } from './errors.js';
import type { Registry } from './registry.js';
import { COMPATIBILITY_LEVELS, DEFAULT_COMPATIBILITY, DEFAULT_MODE, MODES, type CompatibilityLevel, type Mode } from './types.js';

export function getCompatibility(registry: Registry, subject: string | null, defaultToGlobal: boolean): { compatibilityLevel: CompatibilityLevel } {
  registry.catchUp();
  if (subject !== null && !defaultToGlobal && registry.state.subjects.get(subject)?.compatibility === undefined) {
    throw new RegistryError(ErrorCode.SUBJECT_LEVEL_COMPATIBILITY_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level compatibility configured`);
  }
  return { compatibilityLevel: registry.compatibilityOf(subject) };
}

export async function setCompatibility(registry: Registry, subject: string | null, body: Record<string, unknown>): Promise<{ compatibility: CompatibilityLevel }> {
  for (const field of Object.keys(body)) {
    if (!['compatibility', 'compatibilityLevel', 'normalize', 'alias', 'compatibilityGroup', 'defaultMetadata', 'overrideMetadata', 'defaultRuleSet', 'overrideRuleSet'].includes(field)) {
      throw unprocessable(`Unrecognized field: ${field}`);
    }
  }
  const raw = body.compatibility ?? body.compatibilityLevel;
  const level = typeof raw === 'string' ? raw.toUpperCase() : undefined;
  if (level === undefined || !(COMPATIBILITY_LEVELS as readonly string[]).includes(level)) {
    throw new RegistryError(ErrorCode.INVALID_COMPATIBILITY_LEVEL,
      'Invalid compatibility level. Valid values are none, backward, forward, full, backward_transitive, forward_transitive, and full_transitive');
  }
  registry.catchUp();
  const { durable } = registry.write([{ kind: 'CONFIG', subject, value: level as CompatibilityLevel }]);
  await durable;
  return { compatibility: level as CompatibilityLevel };
}

export async function deleteCompatibility(registry: Registry, subject: string | null): Promise<{ compatibilityLevel: CompatibilityLevel }> {
  registry.catchUp();
  if (subject === null) {
    const before = registry.state.globalCompatibility ?? DEFAULT_COMPATIBILITY;
    if (registry.state.globalCompatibility !== undefined) await registry.write([{ kind: 'CONFIG', subject: null, value: null }]).durable;
    return { compatibilityLevel: before };
  }
  const own = registry.state.subjects.get(subject);
  if (!own) throw subjectNotFound(subject);
  const before = registry.compatibilityOf(subject);
  if (own.compatibility !== undefined) await registry.write([{ kind: 'CONFIG', subject, value: null }]).durable;
  return { compatibilityLevel: before };
}

export function getMode(registry: Registry, subject: string | null, defaultToGlobal: boolean): { mode: Mode } {
  registry.catchUp();
  if (subject !== null && !defaultToGlobal && registry.state.subjects.get(subject)?.mode === undefined) {
    throw new RegistryError(ErrorCode.SUBJECT_LEVEL_MODE_NOT_CONFIGURED, `Subject '${subject}' does not have subject-level mode configured`);
  }
  return { mode: registry.modeOf(subject) };
}

export async function setMode(registry: Registry, subject: string | null, body: Record<string, unknown>, force: boolean): Promise<{ mode: Mode }> {
  for (const field of Object.keys(body)) if (field !== 'mode') throw unprocessable(`Unrecognized field: ${field}`);
  const mode = typeof body.mode === 'string' ? body.mode.toUpperCase() : undefined;
  if (mode === undefined || !(MODES as readonly string[]).includes(mode)) {
    throw new RegistryError(ErrorCode.INVALID_MODE, 'Invalid mode. Valid values are READWRITE, READONLY, IMPORT');
  }
  registry.catchUp();
  if (mode === 'IMPORT' && !force) {
    const hasSchemas = subject === null ? registry.subjectNames(true).length > 0 : registry.state.versionsOf(subject, true).length > 0;
    if (hasSchemas) {
      throw new RegistryError(ErrorCode.OPERATION_NOT_PERMITTED, 'Cannot import since found existing subjects');
    }
  }
  await registry.write([{ kind: 'MODE', subject, value: mode as Mode }]).durable;
  return { mode: mode as Mode };
}

export async function deleteMode(registry: Registry, subject: string | null): Promise<{ mode: Mode }> {
  registry.catchUp();
  if (subject === null) {
    const before = registry.state.globalMode ?? DEFAULT_MODE;
    if (registry.state.globalMode !== undefined) await registry.write([{ kind: 'MODE', subject: null, value: null }]).durable;
    return { mode: before };
  }
  const own = registry.state.subjects.get(subject);
  if (!own) throw subjectNotFound(subject);
  const before = registry.modeOf(subject);
  if (own.mode !== undefined) await registry.write([{ kind: 'MODE', subject, value: null }]).durable;
  return { mode: before };
}
