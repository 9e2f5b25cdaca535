// A Vega-Lite chart embedded without eval (vega-interpreter; the CSP has no 'unsafe-eval'), re-rendered when its
// spec changes, with its x brush reported when the user finishes dragging, and PNG/SVG export.
import embed, { type Result } from 'vega-embed';
import { expressionInterpreter } from 'vega-interpreter';
import type { TopLevelSpec } from 'vega-lite';
import { BRUSH } from './multiChartSpec';

const VEGA_LOG_ERROR = 1;

export class EmbeddedChart {
  private result: Result | undefined;
  private generation = 0;
  private brushTimer = 0;

  constructor(
    readonly element: HTMLElement,
    private readonly onError: (message: string) => void,
    /** Called with the brushed x range (data units; ms for time axes), or null when the brush is cleared. */
    private readonly onBrush?: (range: [number, number] | null) => void,
  ) {}

  async render(spec: TopLevelSpec): Promise<void> {
    const generation = ++this.generation;
    try {
      const result = await embed(this.element, spec, {
        mode: 'vega-lite',
        renderer: 'canvas',
        actions: false,
        ast: true,
        expr: expressionInterpreter,
        logLevel: VEGA_LOG_ERROR,
      });
      if (generation !== this.generation) {
        result.finalize();
        return;
      }
      this.result?.finalize();
      this.result = result;
      if (this.onBrush && hasSignal(result, BRUSH)) {
        result.view.addSignalListener(BRUSH, (_name, value: unknown) => this.brushed(value));
      }
    } catch (error) {
      this.onError(`Chart failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Waits for the user to stop dragging, then reports the range (Vega updates the signal on every move). */
  private brushed(value: unknown): void {
    clearTimeout(this.brushTimer);
    this.brushTimer = window.setTimeout(() => {
      const x = (value as { x?: unknown[] } | null)?.x;
      if (!Array.isArray(x) || x.length !== 2) return this.onBrush?.(null);
      const [lo, hi] = x.map((v) => (v instanceof Date ? v.getTime() : Number(v)));
      if (Number.isFinite(lo) && Number.isFinite(hi) && hi > lo) this.onBrush?.([lo, hi]);
    }, 400);
  }

  async toPng(): Promise<string | undefined> {
    return this.result?.view.toImageURL('png', 2);
  }

  async toSvg(): Promise<string | undefined> {
    return this.result?.view.toSVG();
  }

  dispose(): void {
    this.generation++;
    clearTimeout(this.brushTimer);
    this.result?.finalize();
    this.result = undefined;
  }
}

function hasSignal(result: Result, name: string): boolean {
  try {
    result.view.signal(name);
    return true;
  } catch {
    return false;
  }
}
