import { afterAll, beforeAll } from 'vitest';
import { Inboxes, type JourneyContext } from './journey.js';
import { type LocalAppUnderTest, type StartLocalAppOptions, startLocalApp } from './local-app.js';
import { TEST_SETTINGS } from './settings.js';

/** The officer who registers the purchases of a file's journeys. */
export interface JourneyOfficer {
  sub: string;
  email: string;
}

/** What a file's tests reach once its app is up: the app and the journey context on it. */
export interface JourneyApp {
  readonly app: LocalAppUnderTest;
  readonly journey: JourneyContext;
}

/**
 * One local app for the calling file, started before its tests with its mailboxes watched and
 * the officer signed in, and stopped after them. Read `current()` inside a test or hook.
 * `startTimeoutMs` allows for the app being synthesized again first (sources changed since the
 * suite's global set-up) on a busy machine.
 */
export function useJourneyApp(
  officer: JourneyOfficer,
  options: StartLocalAppOptions = {},
  startTimeoutMs = 120_000,
): () => JourneyApp {
  let started: JourneyApp | undefined;
  let inboxes: Inboxes | undefined;
  beforeAll(async () => {
    const app = await startLocalApp(options);
    const token = await app.users.devToken(officer.sub, ['officer'], officer.email);
    inboxes = new Inboxes(() => app.runtime.urls.mailbox);
    inboxes.start();
    started = { app, journey: { users: () => app.users, inboxes, officer: token, settings: TEST_SETTINGS } };
  }, startTimeoutMs);
  afterAll(async () => {
    inboxes?.stop();
    await started?.app.stop();
  });
  return () => {
    if (!started) throw new Error('the journey app is not started yet (read it inside a test or hook)');
    return started;
  };
}
