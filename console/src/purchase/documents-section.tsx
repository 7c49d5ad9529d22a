import { useState } from 'preact/hooks';
import { formatChinaTime } from '../../../shared/domain/china-time.js';
import { UPLOAD_KIND_LABELS, type UploadKind } from '../../../shared/domain/uploads.js';
import { ApiError, apiGet, type TokenSource } from '../api.js';
import { Bilingual } from '../bilingual.js';
import { useEarlierPages } from './earlier-pages.js';
import { EarlierPagesControl } from './earlier-pages-control.js';

/** What the page reads of each upload in the view's `deliverables`. */
export interface DocumentView {
  readonly uploadId: string;
  readonly kind: UploadKind;
  readonly fileName: string;
  readonly size: number;
  readonly detectedType?: string;
  readonly sha256: string;
  /** The S3 version that was checked; absent for an upload recorded before versions were. */
  readonly versionId?: string;
  readonly uploadedAt: string;
  readonly status: 'ACCEPTED' | 'REJECTED';
}

/**
 * The uploads of the purchase, oldest first (a rectified report is a row of its own), with size,
 * the type found in its bytes, SHA-256 and the version that was checked; Download asks the server
 * for a five-minute link pinned to that version and follows it. The view brings the newest; "Show
 * earlier files" the pages before them.
 */
export function DocumentsSection({
  token,
  purchaseId,
  documents: newest,
  documentsNext,
  total,
  laterVersions,
}: {
  token: TokenSource;
  purchaseId: string;
  /** The view's page of uploads: the newest. */
  documents: readonly DocumentView[];
  /** The cursor of the page before it. */
  documentsNext: string | undefined;
  /** How many uploads the purchase has in all. */
  total: number;
  /** How many later versions written under a recorded upload's key were quarantined. */
  laterVersions: number;
}) {
  const [problem, setProblem] = useState<string>();
  const earlier = useEarlierPages<DocumentView>(token, purchaseId, 'deliverables', documentsNext);
  const documents = [...earlier.items, ...newest];
  const download = async (uploadId: string) => {
    try {
      const link = await apiGet<{ url: string }>(
        token,
        `/purchases/${encodeURIComponent(purchaseId)}/documents/${encodeURIComponent(uploadId)}`,
      );
      setProblem(undefined);
      window.location.assign(link.url);
    } catch (e) {
      setProblem(`未能下载 · Not downloaded: ${e instanceof ApiError ? e.message : String(e)}`);
    }
  };
  return (
    <>
      <h2>
        <Bilingual zh="文件" en="Documents" />
      </h2>
      {problem && (
        <p role="alert" class="error">
          {problem}
        </p>
      )}
      {laterVersions > 0 && (
        <p class="error">
          <Bilingual
            zh={`有 ${laterVersions} 个文件被重复提交到已登记的上传位置，已隔离；记录和下载仍是当初审核的版本。详见过程记录。`}
            en={`${laterVersions} file(s) were posted again under a recorded upload and quarantined; the record and downloads stay the version that was checked. See the timeline.`}
          />
        </p>
      )}
      <EarlierPagesControl
        earlier={earlier}
        showing={`显示最近 ${documents.length} 个，共 ${total} 个 · Showing the latest ${documents.length} of ${total}`}
        button="显示更早的文件 · Show earlier files"
      />
      {documents.length === 0 ? (
        <p>
          <Bilingual zh="承接机构尚未上传文件。" en="The NGO has uploaded nothing yet." />
        </p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">类别 · Kind</th>
                <th scope="col">文件 · File</th>
                <th scope="col" class="num">
                  大小 · Size
                </th>
                <th scope="col">SHA-256 · 版本 Version</th>
                <th scope="col">上传 · Uploaded</th>
                <th scope="col">下载 · Download</th>
              </tr>
            </thead>
            <tbody>
              {documents.map((d) => (
                <tr key={d.uploadId}>
                  <td>{UPLOAD_KIND_LABELS[d.kind].zh}</td>
                  <td>
                    {d.fileName}
                    <span class="id">
                      {d.detectedType ?? '?'} ·{' '}
                      {d.status === 'ACCEPTED' ? '已接收 accepted' : '已退回 refused'}
                    </span>
                  </td>
                  <td class="num">{d.size.toLocaleString('en-US')} B</td>
                  <td>
                    <code class="hash">{d.sha256}</code>
                    <span class="id">{d.versionId ?? '未记录版本 · version not recorded'}</span>
                  </td>
                  <td>{formatChinaTime(d.uploadedAt)}</td>
                  <td>
                    <button
                      type="button"
                      aria-label={`下载 ${d.fileName} · Download ${d.fileName}`}
                      onClick={() => void download(d.uploadId)}
                    >
                      下载 · Download
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
