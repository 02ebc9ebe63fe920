import { createLogUpdate } from 'log-update';
import type { Reporter } from './reporter.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const esc = (code: string) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
export const green = esc('32');
export const red = esc('31');
export const yellow = esc('33');
export const dim = esc('2');
export const bold = esc('1');

/**
 * On a TTY: start-up steps with a spinner (each done step ticked), then a live table redrawn every
 * second under the kept lines. Uses log-update to redraw the bottom of the terminal in place.
 */
export function ttyReporter(stream: NodeJS.WriteStream = process.stdout): Reporter {
  const region = createLogUpdate(stream, { showCursor: false });
  let step: string | undefined;
  let frame = 0;
  let render: (() => string[]) | undefined;
  let closed = false;

  const draw = () => {
    if (closed) return;
    if (render) region(render().join('\n'));
    else if (step) region(`${yellow(SPINNER[frame % SPINNER.length] ?? '')} ${step}`);
    else region.clear();
  };
  const timer = setInterval(() => {
    frame += 1;
    draw();
  }, 100);
  timer.unref();
  // The live table changes once a second (uptimes); redrawing it more often only flickers.
  let lastTable = 0;

  const keep = (text: string) => {
    region.clear();
    stream.write(`${text}\n`);
    draw();
  };

  return {
    line: (text) => keep(text),
    progress: (text) => {
      if (step) keep(`${green('✓')} ${step}`);
      step = text;
      draw();
    },
    live: (fn) => {
      if (step) keep(`${green('✓')} ${step}`);
      step = undefined;
      let cached: string[] = [];
      render = () => {
        const now = Date.now();
        if (now - lastTable >= 1000 || cached.length === 0) {
          lastTable = now;
          cached = fn();
        }
        return cached;
      };
      draw();
    },
    close: () => {
      if (closed) return;
      clearInterval(timer);
      region.clear();
      region.done();
      closed = true;
    },
  };
}
