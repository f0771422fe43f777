import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

/** What the cloud answered at enrolment, kept on this machine: the till's identity and credential. */
export const enrolmentSchema = z.object({
  cloudUrl: z.string(),
  deviceId: z.string().min(1).max(64),
  deviceCode: z.string().min(1).max(16),
  credential: z.string().min(1),
  tenant: z.object({ id: z.string(), code: z.string(), name: z.string(), currency: z.string(), timeZone: z.string() }),
  boutique: z.object({ id: z.string(), code: z.string(), name: z.string(), address: z.string().optional() }),
  enrolledAt: z.string(),
});
export type Enrolment = z.output<typeof enrolmentSchema>;

/** The cloud's answer to POST /api/devices/enrol. */
export const enrolAnswerSchema = z.object({
  deviceId: z.string().min(1).max(64),
  deviceCode: z.string().min(1).max(16),
  credential: z.string().min(1),
  boutique: z.object({ id: z.string(), code: z.string(), name: z.string(), address: z.string().nullish() }),
  tenant: z.object({ id: z.string(), code: z.string(), name: z.string(), currency: z.string(), timeZone: z.string() }),
});

const FILE = 'enrolment.json';

/**
 * The enrolment file holds the device credential: readable by this user only (0600), written
 * through a temporary file so a crash never leaves half a credential.
 */
export function saveEnrolment(dataDirectory: string, enrolment: Enrolment): void {
  mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
  const file = join(dataDirectory, FILE);
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, JSON.stringify(enrolment, null, 2), { mode: 0o600 });
  chmodSync(temporary, 0o600); // the mode of writeFileSync is masked by umask; be explicit
  renameSync(temporary, file);
}

export function loadEnrolment(dataDirectory: string): Enrolment | null {
  const file = join(dataDirectory, FILE);
  if (!existsSync(file)) return null;
  return enrolmentSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Small preferences of this till that are not synced (the screen language). */
const preferencesSchema = z.object({ locale: z.enum(['fr', 'en']).optional() });
export type Preferences = z.output<typeof preferencesSchema>;

export function loadPreferences(dataDirectory: string): Preferences {
  const file = join(dataDirectory, 'preferences.json');
  if (!existsSync(file)) return {};
  const parsed = preferencesSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : {};
}

export function savePreferences(dataDirectory: string, preferences: Preferences): void {
  mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
  writeFileSync(join(dataDirectory, 'preferences.json'), JSON.stringify(preferences));
}
