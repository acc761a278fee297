/** The --namespace option shared by info, ls, cat and extract. */
import { UsageError } from '../context.js';

export type NamespaceOption = 'auto' | 'rockridge' | 'joliet' | 'iso9660' | 'udf';

const NAMES: Record<string, NamespaceOption> = {
  auto: 'auto', rr: 'rockridge', rockridge: 'rockridge', 'rock-ridge': 'rockridge', joliet: 'joliet', iso9660: 'iso9660', iso: 'iso9660', udf: 'udf',
};

export function parseNamespace(value: string | undefined): NamespaceOption {
  if (value === undefined) return 'auto';
  const ns = NAMES[value.toLowerCase()];
  if (!ns) throw new UsageError(`--namespace must be one of rr, joliet, iso9660, udf, auto (got "${value}")`);
  return ns;
}

export const NAMESPACE_OPTION = { namespace: { type: 'string' } } as const;
