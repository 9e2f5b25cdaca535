// The Python client's fast-loop case (issue 6): memory growth and end() time after 5M points logged in a tight loop,
// and points lost when such a loop is killed with -9. Measured by src/python/bench/bench_client.py --fast-loop.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface FastLoopResult {
  fast_loop: {
    points: number;
    loop_s: number;
    end_s: number;
    peak_rss_growth_mb: number;
    points_per_sec: number;
    lines_written: number;
  };
  kill_9: { logged: number; kept: number; lost_at_most: number; logged_last_second: number }[];
  worst_lost_fraction_of_last_second: number;
}

export function measurePythonFastLoop(repo: string): FastLoopResult {
  const out = execFileSync('python3', [join(repo, 'src/python/bench/bench_client.py'), '--fast-loop'], {
    cwd: repo,
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as FastLoopResult;
}

const int = (value: number) => Math.round(value).toLocaleString('en');

export function pythonFastLoopSection(r: FastLoopResult): string {
  const loop = r.fast_loop;
  const kills = r.kill_9
    .map((k) => `${int(k.lost_at_most)} of the ${int(k.logged_last_second)} points of the last second`)
    .join('; ');
  return `## Python client: the fast loop

${int(loop.points)} points logged with \`log_metric\` in a tight loop (fresh process, output recording off):

| what | goal | measured | before the bounded buffer |
| --- | --- | --- | --- |
| memory growth (peak RSS) | bounded | ${loop.peak_rss_growth_mb.toFixed(1)} MB | +916 MB (a 2.2M-point backlog) |
| \`end()\` | fast | ${(loop.end_s * 1000).toFixed(0)} ms | 5 s |
| points written | all | ${int(loop.lines_written)} of ${int(loop.points)} (${int(loop.points_per_sec)} points/s) | all |
| points lost on \`kill -9\` (logging as fast as possible, ${r.kill_9.length} kills) | ≤ about 1 s of points | at most ${kills} (worst: ${(r.worst_lost_fraction_of_last_second * 100).toFixed(1)} % of a second) | 90 % |

Raw: \`${JSON.stringify(r)}\`
`;
}
