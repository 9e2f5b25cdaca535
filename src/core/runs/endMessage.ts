import { formatDuration, formatValue, primaryMetric, runDuration } from '../format';
import type { RunDocument } from '../store/types';

/**
 * How the end of a run reads in one line ("Run bright-owl finished in 12s · loss 0.21"), and whether it deserves a
 * warning. A stop (interrupted) is not a problem: the user asked for it.
 */
export function endMessage(doc: RunDocument, primary = ''): { text: string; level: 'info' | 'warning' } {
  const duration = formatDuration(runDuration(doc)) || '0s';
  const metric = primaryMetric(doc, primary);
  const result = metric ? ` · ${metric[0]} ${formatValue(metric[1].last)}` : '';
  switch (doc.status) {
    case 'finished':
      return { text: `Run ${doc.name} finished in ${duration}${result}`, level: 'info' };
    case 'interrupted':
      return { text: `Run ${doc.name} was stopped after ${duration}${result}`, level: 'info' };
    case 'failed': {
      const error = doc.error ? `: ${doc.error.type}: ${doc.error.message}` : '';
      return { text: `Run ${doc.name} failed after ${duration}${error}`, level: 'warning' };
    }
    case 'crashed':
      return {
        text: `Run ${doc.name} crashed after ${duration} (its process ended without a word)`,
        level: 'warning',
      };
    case 'running':
      return { text: `Run ${doc.name} is still running`, level: 'info' };
  }
}
