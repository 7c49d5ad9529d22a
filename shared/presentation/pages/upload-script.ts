/**
 * A page's upload from the browser straight to the bucket: a small inline script asks the page's
 * own link for a presigned POST (`grantPath` after the page's path, the page's query kept), then
 * posts the file to the bucket and opens the page again (a GET, even when a POST showed it). The page carries its own
 * Content-Security-Policy: only this response's script runs, and it talks to the site and the
 * bucket, nothing else. Nothing secret is in the HTML: no presign fields, no task token.
 */
import type { UploadableFileType } from '../../domain/file-types.js';
import { html, type SafeHtml, trusted } from '../html.js';

/** An HtmlPage that carries its own Content-Security-Policy (the script's nonce changes per response). */
export interface ScriptedPage {
  statusCode: number;
  html: string;
  contentSecurityPolicy: string;
}

const NONCE_PATTERN = /^[A-Za-z0-9+/_-]{16,64}={0,2}$/;

/** The origin as CSP source text, or nothing when it is not a plain http(s) origin. */
function cspOrigin(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The policy of a page with an upload script and same-URL forms: its one script by nonce, requests
 * to this site and to the bucket, forms posted to this site only.
 */
export function uploadPageCsp(nonce: string, storageOrigin: string): string {
  if (!NONCE_PATTERN.test(nonce)) throw new Error('a CSP nonce is 16-64 base64 characters');
  const storage = cspOrigin(storageOrigin);
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `script-src 'nonce-${nonce}'`,
    `connect-src 'self'${storage ? ` ${storage}` : ''}`,
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** JSON that is safe inside a <script> element (no `</script>`, no HTML comment openers). */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

export interface UploadScriptSpec {
  /** The form's id: its `file` input and every hidden field and select (a kind, a nonce) are sent with the grant request. */
  formId: string;
  /** The element that tells the person how it goes (role="status"). */
  statusId: string;
  /** Appended to the page's path for the grant request (`/uploads`, `/report`). */
  grantPath: string;
  fileTypes: readonly UploadableFileType[];
  maxBytes: number;
  nonce: string;
}

/**
 * The script: constant code plus constant data (the extension map and the limit). It sends the
 * form's hidden fields and selects with the file's name, type and size, and never sees anything the server did
 * not put in the grant reply of this same link.
 */
export function uploadScript(spec: UploadScriptSpec): SafeHtml {
  const { fileTypes } = spec;
  const allowedZh = fileTypes.map((t) => t.label.zh).join('、');
  const allowedEn = fileTypes.map((t) => t.label.en).join(', ');
  // Extension -> content type, for browsers that give a file no type.
  const typeByExtension = Object.fromEntries(
    fileTypes.flatMap((t) => t.extensions.map((e) => [e, t.contentType])),
  );
  const code = `(function(){
var types=${scriptJson(typeByExtension)};var maxBytes=${scriptJson(spec.maxBytes)};
var allowed=${scriptJson(fileTypes.map((t) => t.contentType))};var allowedZh=${scriptJson(allowedZh)};var allowedEn=${scriptJson(allowedEn)};
var form=document.getElementById(${scriptJson(spec.formId)});var out=document.getElementById(${scriptJson(spec.statusId)});
var button=form.querySelector('button');
function say(zh,en){out.textContent='';var a=document.createElement('p');a.textContent=zh;var b=document.createElement('p');b.className='en';b.lang='en';b.textContent=en;out.appendChild(a);out.appendChild(b);}
function typeOf(file){if(file.type&&file.type!=='application/octet-stream')return file.type;var m=/\\.[^.]+$/.exec(file.name.toLowerCase());return (m&&types[m[0]])||file.type||'';}
function problems(body){if(body&&Array.isArray(body.errors)&&body.errors.length){return body.errors.map(function(e){return e.message;}).join(' ');}return body&&body.message?body.message:'';}
form.addEventListener('submit',function(ev){ev.preventDefault();
var file=form.elements.file.files[0];
if(!file){say('请选择要上传的文件。','Choose a file to upload.');return;}
if(allowed.indexOf(typeOf(file))<0){say('不支持此类文件。允许的类型：'+allowedZh+'。','This kind of file cannot be uploaded. Allowed: '+allowedEn+'.');return;}
if(file.size<1||file.size>maxBytes){say('文件大小须在 1 字节至 '+(maxBytes/1048576).toFixed(1)+' MB 之间。','The file must be between 1 byte and '+(maxBytes/1048576).toFixed(1)+' MB.');return;}
var request={fileName:file.name,contentType:typeOf(file),size:file.size};
Array.prototype.forEach.call(form.querySelectorAll('input[type=hidden],select'),function(h){request[h.name]=h.value;});
button.disabled=true;say('正在准备上传…','Preparing the upload…');
var target=location.pathname.replace(/\\/+$/,'')+${scriptJson(spec.grantPath)}+location.search;
fetch(target,{method:'POST',headers:{'Content-Type':'application/json'},credentials:'same-origin',body:JSON.stringify(request)})
.then(function(r){return r.json().then(function(body){return {ok:r.ok,status:r.status,body:body};},function(){return {ok:false,status:r.status,body:null};});})
.then(function(reply){
var notice=reply.body&&reply.body.notice;
if(!reply.ok&&notice&&typeof notice.zh==='string'&&typeof notice.en==='string'){button.disabled=false;say('无法上传：'+notice.zh,'The upload was refused: '+notice.en);return;}
if(!reply.ok){button.disabled=false;say('无法上传：'+(problems(reply.body)||('错误 '+reply.status)),'The upload was refused: '+(problems(reply.body)||('error '+reply.status)));return;}
var data=new FormData();var fields=reply.body.fields;Object.keys(fields).forEach(function(k){data.append(k,fields[k]);});
data.append('file',file);
var xhr=new XMLHttpRequest();xhr.open('POST',reply.body.url);
xhr.upload.onprogress=function(e){if(e.lengthComputable){var p=Math.floor(e.loaded*100/e.total);say('正在上传 '+p+'%','Uploading '+p+'%');}};
xhr.onload=function(){if(xhr.status>=200&&xhr.status<300){say('上传完成，正在核验文件，页面稍后自动刷新。','Uploaded. The file is being checked; this page reloads in a moment.');setTimeout(function(){location.assign(location.href);},4000);}else{button.disabled=false;say('上传失败（'+xhr.status+'），请重试。','The upload failed ('+xhr.status+'); try again.');}};
xhr.onerror=function(){button.disabled=false;say('网络错误，上传未完成，请重试。','Network error: the upload did not finish; try again.');};
xhr.send(data);})
.catch(function(){button.disabled=false;say('网络错误，请重试。','Network error; try again.');});
});})();`;
  return html`<script nonce="${spec.nonce}">${trusted(code)}</script>
`;
}
