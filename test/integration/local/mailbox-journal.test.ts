import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/assembly/local-account.js';
import {
  type Mailbox,
  mailJournalPath,
  readMailJournal,
  startMailbox,
} from '../../../infra/local/services/mail.js';

/** The mailbox keeps what it receives in the data folder, so a killed runtime loses no mail. */

interface Listed {
  messageId: string;
  subject: string;
  destination: { to: string[] };
}

async function listed(mailbox: Mailbox): Promise<Listed[]> {
  return ((await (await fetch(`${mailbox.url}/store`)).json()) as { emails: Listed[] }).emails;
}

async function send(mailbox: Mailbox, to: string, subject: string): Promise<string> {
  const ses = new SESv2Client({
    endpoint: mailbox.url,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    const { MessageId } = await ses.send(
      new SendEmailCommand({
        FromEmailAddress: 'noreply@bureau.example.gov.cn',
        Destination: { ToAddresses: [to] },
        Content: { Simple: { Subject: { Data: subject }, Body: { Text: { Data: `${subject} body` } } } },
      }),
    );
    return String(MessageId);
  } finally {
    ses.destroy();
  }
}

describe('mailbox journal', () => {
  let dataDir: string;
  let mailbox: Mailbox | undefined;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'mailbox-journal-'));
  });
  afterEach(async () => {
    // Leave the process-wide store empty for the next test.
    if (mailbox) await fetch(`${mailbox.url}/clear-store`, { method: 'POST' });
    await mailbox?.close();
    mailbox = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes every accepted mail to the journal before SendEmail is answered', async () => {
    mailbox = await startMailbox({ dataDir });
    const messageId = await send(mailbox, 'chief@bureau.example.gov.cn', 'Approval requested');

    const journal = readMailJournal(mailJournalPath(dataDir));
    expect(journal.map((m) => m.messageId)).toEqual([messageId]);
    expect(journal[0]).toMatchObject({
      subject: 'Approval requested',
      destination: { to: ['chief@bureau.example.gov.cn'] },
    });
  });

  it('restores the mails of an earlier run, with their message ids, and skips a line cut off by a kill', async () => {
    const earlier = {
      messageId: 'earlier-1',
      from: 'a@b.c',
      destination: { to: ['ngo@example.org'] },
      subject: 'Upload the signed contract',
      body: { text: 'x' },
      at: 1,
    };
    mkdirSync(join(dataDir, 'mailbox'), { recursive: true });
    writeFileSync(mailJournalPath(dataDir), `${JSON.stringify(earlier)}\n{"messageId":"torn`);

    mailbox = await startMailbox({ dataDir });
    const after = await send(mailbox, 'finance@bureau.example.gov.cn', 'Payment due');

    expect((await listed(mailbox)).map((m) => m.messageId)).toEqual(['earlier-1', after]);
    // The torn line no longer swallows the next mail: both are read back on the next start.
    expect(readMailJournal(mailJournalPath(dataDir)).map((m) => m.messageId)).toEqual(['earlier-1', after]);
  });

  it('a restart in the same process does not list a mail twice', async () => {
    mailbox = await startMailbox({ dataDir });
    const messageId = await send(mailbox, 'chief@bureau.example.gov.cn', 'Countersign');
    await mailbox.close();
    mailbox = await startMailbox({ dataDir });

    expect((await listed(mailbox)).filter((m) => m.messageId === messageId)).toHaveLength(1);
  });

  it('clearing the store clears the journal, so cleared mail does not come back on restart', async () => {
    mailbox = await startMailbox({ dataDir });
    await send(mailbox, 'chief@bureau.example.gov.cn', 'Approval requested');
    await fetch(`${mailbox.url}/clear-store`, { method: 'POST' });

    expect(readFileSync(mailJournalPath(dataDir), 'utf8')).toBe('');
    expect(await listed(mailbox)).toEqual([]);
  });
});
