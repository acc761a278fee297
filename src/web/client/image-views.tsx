/** What an opened image is (the `info --json` object) and a file preview; used by the app and the browser-only page. */
import type { ApiErrorBody } from './api.js';
import type { TreeEntry } from './browser.js';
import { ErrorBox, Facts, formatBytes } from './components.js';

export const NAMESPACE_LABEL: Record<string, string> = { rockridge: 'Rock Ridge', joliet: 'Joliet', iso9660: 'ISO 9660', udf: 'UDF' };

export interface ImageInfo {
  imageByteLength: number;
  volume: { volumeId: string; publisherId?: string; applicationId?: string; systemId?: string; creation?: string; byteLength: number; blockCount: number };
  namespaces: { iso9660: { level: number }; joliet?: { level: number }; rockridge?: { version: string }; iso9660_1999?: true; udf?: unknown };
  namespace: string;
  boot?: { images: { index: number; platform: string; emulation: string; byteLength: number; path?: string }[] };
  partitions?: { mbr?: { partitions: { index: number; empty?: boolean; typeName: string; byteLength: number }[] }; gpt?: { partitions: { index: number; name?: string; typeName?: string }[] } };
  findings: { severity: string; code: string; message: string }[];
}

function namespaces(n: ImageInfo['namespaces']): string {
  return [
    `ISO 9660 level ${n.iso9660.level}`,
    n.joliet ? `Joliet level ${n.joliet.level}` : '',
    n.rockridge ? `Rock Ridge ${n.rockridge.version}` : '',
    n.iso9660_1999 ? 'ISO 9660:1999' : '',
    n.udf ? 'UDF' : '',
  ].filter(Boolean).join(', ');
}

export function InfoView({ info }: { info: ImageInfo }) {
  const v = info.volume;
  const boot = info.boot?.images ?? [];
  const mbr = info.partitions?.mbr?.partitions.filter((p) => !p.empty) ?? [];
  const gpt = info.partitions?.gpt?.partitions ?? [];
  return (
    <section class="image-info" aria-labelledby="info-h">
      <h2 id="info-h">About this image</h2>
      <Facts rows={[
        ['Volume', <span data-testid="volume-id">{v.volumeId || '(no name)'}</span>],
        ['Size', `${formatBytes(info.imageByteLength)} (${info.imageByteLength.toLocaleString('en')} bytes)`],
        ['Namespaces', namespaces(info.namespaces)],
        ['Created', v.creation?.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')],
        ['Publisher', v.publisherId],
        ['Application', v.applicationId],
        ['Boot', boot.length ? boot.map((b) => `${b.platform} (${b.emulation}, ${formatBytes(b.byteLength)}${b.path ? `, ${b.path}` : ''})`).join('; ') : 'not bootable'],
        ['Partitions', [...mbr.map((p) => `MBR ${p.index}: ${p.typeName} (${formatBytes(p.byteLength)})`), ...gpt.map((p) => `GPT ${p.index}: ${p.name || p.typeName || ''}`)].join('; ') || undefined],
      ]} />
      {info.findings.length ? (
        <details class="findings">
          <summary>{info.findings.length} finding{info.findings.length > 1 ? 's' : ''} (damage or oddities that did not stop reading)</summary>
          <ul>{info.findings.map((f, i) => <li key={i} class={f.severity}>{f.severity}: {f.message}</li>)}</ul>
        </details>
      ) : null}
    </section>
  );
}

/** The namespace to browse: one radio button per namespace the image reports. */
export function NamespaceTabs({ name, namespaces, value, onChange }: { name: string; namespaces: readonly string[]; value: string; onChange: (ns: string) => void }) {
  return (
    <div class="tabs" role="radiogroup" aria-label="Namespace">
      {namespaces.map((n) => (
        <label key={n} class={n === value ? 'tab active' : 'tab'}>
          <input type="radio" name={name} value={n} checked={n === value} onChange={() => onChange(n)} />
          {NAMESPACE_LABEL[n] ?? n}
        </label>
      ))}
    </div>
  );
}

export interface PreviewData {
  path: string;
  entry: TreeEntry;
  text?: string;
  binary?: boolean;
  truncated?: boolean;
  error?: ApiErrorBody;
  /** a link the browser follows to download (local app) */
  downloadUrl?: string;
  /** or a function that saves it (browser-only page) */
  download?: () => void;
}

export function Preview({ data }: { data: PreviewData | undefined }) {
  if (!data) return null;
  const e = data.entry;
  return (
    <section class="preview" aria-labelledby="preview-h">
      <h3 id="preview-h">{data.path}</h3>
      <p>
        {e.type === 'file' ? formatBytes(e.size) : e.type}{e.mtime ? ` · modified ${e.mtime.slice(0, 19).replace('T', ' ')} UTC` : ''} · <span class="mono">{e.modeString}</span>
        {e.type === 'file' && data.downloadUrl ? <> · <a href={data.downloadUrl} download={e.name}>Download</a></> : null}
        {e.type === 'file' && data.download ? <> · <button type="button" onClick={data.download}>Download</button></> : null}
      </p>
      <ErrorBox error={data.error} />
      {data.text !== undefined ? <pre class="text" tabIndex={0} aria-label={`Contents of ${e.name}`}>{data.text}{data.truncated ? '\n…' : ''}</pre> : null}
      {data.binary ? <p class="hint">Not text: download it to open it.</p> : null}
    </section>
  );
}
