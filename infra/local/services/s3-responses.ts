import { randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';

/** S3's XML errors, as the local S3 front server answers them. */

/** S3's XML error; `details` are the elements some codes add (`Key` and `VersionId` of NoSuchVersion). */
export function sendError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  details: Readonly<Record<string, string>> = {},
): void {
  const requestId = randomBytes(8).toString('hex').toUpperCase();
  const elements = Object.entries(details)
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message>${elements}<RequestId>${requestId}</RequestId><HostId>${randomBytes(24).toString('base64')}</HostId></Error>`;
  res.writeHead(status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(xml),
    'x-amz-request-id': requestId,
  });
  res.end(xml);
}

/** A HEAD is refused with its status alone: S3 sends no body with it. */
export function sendHeadError(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'x-amz-request-id': randomBytes(8).toString('hex').toUpperCase() });
  res.end();
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}
