// One metric's points held as columns of doubles: 1,000,000 points take 24 MB and scan in milliseconds, where
// as many point objects would take several times that and stress the garbage collector.

export class SeriesColumns {
  step: Float64Array;
  value: Float64Array;
  /** Unix seconds (0 when the point had none). */
  time: Float64Array;
  length = 0;
  /** True while steps never decrease and times never decrease: ranges can then be found by bisection. */
  stepSorted = true;
  timeSorted = true;

  constructor(capacity = 256) {
    this.step = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.time = new Float64Array(capacity);
  }

  push(step: number, value: number, time: number): void {
    if (this.length === this.step.length) this.grow(this.length * 2);
    const i = this.length;
    if (i > 0) {
      if (step < this.step[i - 1]) this.stepSorted = false;
      if (time < this.time[i - 1]) this.timeSorted = false;
    }
    this.step[i] = step;
    this.value[i] = value;
    this.time[i] = time;
    this.length = i + 1;
  }

  private grow(capacity: number): void {
    const grow = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old.subarray(0, this.length));
      return next;
    };
    this.step = grow(this.step);
    this.value = grow(this.value);
    this.time = grow(this.time);
  }
}
