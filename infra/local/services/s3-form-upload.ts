import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { escapeXml } from './s3-responses.js';

/** POST Object (a browser's form upload): reading the form as S3 does, and answering it. */

export class PostBodyTooLargeError extends Error {
  override name = 'PostBodyTooLargeError';
}

interface PostedForm {
  readonly fields: Record<string, string>;
  readonly files: File[];
  readonly file: File | undefined;
}

/** Parses the form, reading at most `limit` bytes; fields after the file are ignored, as S3 does. */
export async function readForm(req: IncomingMessage, limit: number): Promise<PostedForm> {
  let seen = 0;
  let exceeded = false;
  const bounded = req.pipe(
    new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        seen += chunk.length;
        if (seen > limit) {
          exceeded = true;
          callback(new PostBodyTooLargeError(`the POST body exceeds ${limit} bytes`));
        } else callback(null, chunk);
      },
    }),
  );
  let form: FormData;
  try {
    form = await new Request('http://local/', {
      method: 'POST',
      headers: { 'content-type': String(req.headers['content-type']) },
      body: Readable.toWeb(bounded) as ReadableStream<Uint8Array>,
      duplex: 'half',
    } as RequestInit).formData();
  } catch (error) {
    if (exceeded) {
      req.unpipe(bounded);
      throw new PostBodyTooLargeError(`the POST body exceeds ${limit} bytes`);
    }
    throw error;
  }
  const fields: Record<string, string> = {};
  const files: File[] = [];
  for (const [name, value] of form) {
    if (typeof value !== 'string') files.push(value);
    else if (files.length === 0) fields[name] = value;
  }
  return { fields, files, file: files[0] };
}

/** Headers S3 stores with an object posted in a form. */
const STORED_FIELDS = new Set(['cache-control', 'content-disposition', 'content-encoding', 'expires']);

export function objectHeaders(fields: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const lower = name.toLowerCase();
    if (STORED_FIELDS.has(lower) || lower.startsWith('x-amz-meta-')) headers[lower] = value;
  }
  return headers;
}

/** success_action_redirect (303), success_action_status 200/201, else 204, as S3 answers a POST. */
export function answerUpload(
  res: ServerResponse,
  fields: Record<string, string>,
  object: { bucket: string; key: string; eTag: string; location: string; versionId: string | undefined },
): void {
  const field = (name: string) => Object.entries(fields).find(([k]) => k.toLowerCase() === name)?.[1];
  const headers = {
    etag: `"${object.eTag}"`,
    location: object.location,
    ...(object.versionId ? { 'x-amz-version-id': object.versionId } : {}),
  };
  const redirect = field('success_action_redirect') ?? field('redirect');
  if (redirect && URL.canParse(redirect) && /^https?:$/.test(new URL(redirect).protocol)) {
    const target = new URL(redirect);
    target.searchParams.set('bucket', object.bucket);
    target.searchParams.set('key', object.key);
    target.searchParams.set('etag', `"${object.eTag}"`);
    res.writeHead(303, { ...headers, location: target.toString(), 'content-length': '0' });
    res.end();
    return;
  }
  const status = field('success_action_status');
  if (status === '201') {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse><Location>${escapeXml(object.location)}</Location><Bucket>${escapeXml(object.bucket)}</Bucket><Key>${escapeXml(object.key)}</Key><ETag>"${object.eTag}"</ETag></PostResponse>`;
    res.writeHead(201, {
      ...headers,
      'content-type': 'application/xml',
      'content-length': Buffer.byteLength(xml),
    });
    res.end(xml);
    return;
  }
  res.writeHead(status === '200' ? 200 : 204, { ...headers, 'content-length': '0' });
  res.end();
}
