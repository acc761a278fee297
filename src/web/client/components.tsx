/** Pieces every page uses: errors, progress bars, a job's panel, labelled fields. */
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useState } from 'preact/hooks';
import { formatBytes } from '../../read/views/units.js';
import { cancelJob, job as jobView, subscribe, type ApiErrorBody, type JobView } from './api.js';

export { formatBytes };

/** An error as one sentence and what to do (never a stack trace). */
export function ErrorBox({ error }: { error: ApiErrorBody | undefined }) {
  if (!error) return null;
  return (
    <div class="error" role="alert">
      <strong>{error.message.replace(/^./, (c) => c.toUpperCase())}.</strong>
      {error.hint ? <span> {error.hint.replace(/^./, (c) => c.toUpperCase())}.</span> : null}
    </div>
  );
}

/** An action's error: `run(f)` clears it, runs `f`, and keeps what `f` threw (one sentence, what to do). */
export function useAction(): [ApiErrorBody | undefined, (f: () => Promise<unknown>) => Promise<void>] {
  const [error, setError] = useState<ApiErrorBody | undefined>();
  const run = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
    } catch (e) {
      setError(toError(e));
    }
  };
  return [error, run];
}

export function toError(e: unknown): ApiErrorBody {
  const body = (e as { body?: ApiErrorBody }).body;
  if (body) return body;
  return { code: 'PAGE', message: (e as Error)?.message ?? String(e) };
}

/** "1 file", "3 files". */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Folder counts of the library include the top folder (the root); people count the ones inside. */
export const foldersInside = (directories: number): string => plural(Math.max(0, directories - 1), 'folder');

export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

type ProgressObject = JobView['progress'] extends Map<string, infer P> ? P : never;

/** One progress object as a labelled bar and a line of figures. */
export function Bar({ p, label, name }: { p: ProgressObject; label: string; name?: string }) {
  const total = p.totalBytes;
  const pct = total ? Math.min(100, (p.bytes / total) * 100) : undefined;
  const figures = [
    p.phase,
    pct !== undefined ? `${pct.toFixed(0)} %` : '',
    total ? `${formatBytes(p.bytes)} of ${formatBytes(total)}` : p.bytes ? formatBytes(p.bytes) : '',
    p.speed ? `${formatBytes(p.speed)}/s` : '',
    p.eta !== undefined && total ? `${formatEta(p.eta)} left` : '',
  ].filter(Boolean).join(' · ');
  return (
    <div class="bar" data-phase={p.phase}>
      {label ? <div class="bar-label">{label}</div> : null}
      <progress aria-label={`${name ?? label}: ${p.phase}`} max={total ?? 1} value={total ? p.bytes : undefined} />
      <div class="bar-figures" aria-live="polite">{figures}</div>
    </div>
  );
}

/**
 * Re-render whenever an event arrives for any job. Subscribed before the browser paints, and once more after
 * subscribing: an event that arrived between the render and the subscription (a quick job ends within
 * milliseconds) is not lost.
 */
export function useJob(id: string | undefined): JobView | undefined {
  const [, setTick] = useState(0);
  useLayoutEffect(() => {
    const off = subscribe(() => setTick((t) => t + 1));
    setTick((t) => t + 1);
    return off;
  }, [id]);
  return id ? jobView(id) : undefined;
}

/** A running or finished job: progress per target, messages, cancel, error, and the result as `done` renders it. */
export function JobPanel({ id, title, done }: { id: string | undefined; title: string; done: (result: unknown) => ComponentChildren }) {
  const j = useJob(id);
  if (!j) return null;
  return (
    <section class="job" aria-label={title} data-state={j.state} data-job={j.id}>
      <h3>{title}</h3>
      {[...j.progress.entries()].map(([target, p]) => <Bar key={target} p={p} label={target} name={target || title} />)}
      {j.messages.length ? (
        <ul class="messages">
          {j.messages.map((m, i) => <li key={i} class={m.level}>{m.text}</li>)}
        </ul>
      ) : null}
      {j.state === 'running' ? <button type="button" onClick={() => void cancelJob(j.id)}>Cancel</button> : null}
      {j.state === 'failed' ? <ErrorBox error={j.error} /> : null}
      {j.state === 'done' ? <div class="result">{done(j.result)}</div> : null}
    </section>
  );
}

/** A labelled text input. */
export function TextField(props: { id: string; label: string; value: string; onInput: (v: string) => void; placeholder?: string; hint?: string; maxLength?: number }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        type="text"
        value={props.value}
        placeholder={props.placeholder}
        maxLength={props.maxLength}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      {props.hint ? <div class="hint" id={`${props.id}-hint`}>{props.hint}</div> : null}
    </div>
  );
}

export function CheckField(props: { id: string; label: string; checked: boolean; onChange: (v: boolean) => void; disabled?: boolean; hint?: string }) {
  return (
    <div class="field check">
      <input
        id={props.id}
        type="checkbox"
        checked={props.checked}
        disabled={props.disabled}
        aria-describedby={props.hint ? `${props.id}-hint` : undefined}
        onChange={(e) => props.onChange((e.target as HTMLInputElement).checked)}
      />
      <label for={props.id}>{props.label}</label>
      {props.hint ? <div class="hint" id={`${props.id}-hint`}>{props.hint}</div> : null}
    </div>
  );
}

export function SelectField<T extends string>(props: { id: string; label: string; value: T; options: readonly (readonly [T, string])[]; onChange: (v: T) => void }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onChange((e.target as HTMLSelectElement).value as T)}>
        {props.options.map(([v, text]) => <option key={v} value={v}>{text}</option>)}
      </select>
    </div>
  );
}

/** A step of a flow (Write: image → target → review → write). */
export function Step({ n, title, children, active = true }: { n: number; title: string; children: ComponentChildren; active?: boolean }) {
  return (
    <section class={`step${active ? '' : ' inactive'}`} aria-labelledby={`step-${n}`}>
      <h2 id={`step-${n}`}>
        <span class="step-n" aria-hidden="true">{n}</span> {title}
      </h2>
      {active ? children : null}
    </section>
  );
}

/** Key/value rows. */
export function Facts({ rows }: { rows: readonly (readonly [string, ComponentChildren])[] }) {
  return (
    <dl class="facts">
      {rows.filter(([, v]) => v !== undefined && v !== null && v !== '').map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}>{v}</dd>])}
    </dl>
  );
}
