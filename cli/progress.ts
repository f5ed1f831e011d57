/** A one-line progress bar with a rate and an ETA, redrawn on a terminal's stderr; silent elsewhere. */
export interface Progress {
  /** `done` of `total` units so far (total may grow as listings arrive). */
  update(done: number, total: number, label: string): void;
  clear(): void;
}

const WIDTH = 24;

export const createProgress = (stream: NodeJS.WriteStream, now: () => number = Date.now): Progress => {
  const started = now();
  let last = 0;
  let drawn = false;
  if (stream.isTTY !== true) return { update: () => undefined, clear: () => undefined };
  return {
    update: (done, total, label) => {
      const at = now();
      // Redrawing a few times a second is enough and keeps the terminal cheap.
      if (at - last < 100 && done < total) return;
      last = at;
      const fraction = total === 0 ? 0 : Math.min(1, done / total);
      const filled = Math.round(fraction * WIDTH);
      const seconds = (at - started) / 1000;
      const rate = seconds > 0 ? done / seconds : 0;
      const eta = rate > 0 && total > done ? `ETA ${Math.ceil((total - done) / rate)}s` : '';
      const bar = `[${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${total} ${label} ${rate.toFixed(1)}/s ${eta}`;
      stream.write(`\r\u001b[2K${bar.slice(0, (stream.columns ?? 100) - 1)}`);
      drawn = true;
    },
    clear: () => {
      if (drawn) stream.write('\r\u001b[2K');
      drawn = false;
    },
  };
};
