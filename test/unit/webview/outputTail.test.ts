import assert from 'node:assert/strict';
import { displayLine, MAX_LINE_LENGTH, OutputTail, stripAnsi } from '../../../webview/details/outputTail';

describe('webview output tail', () => {
  it('strips colours, cursor moves, titles and stray control characters', () => {
    assert.equal(stripAnsi('\x1b[1;32mOK\x1b[0m done'), 'OK done');
    assert.equal(stripAnsi('\x1b]0;title\x07text'), 'text');
    assert.equal(displayLine('\x1b[2Kbell\x07 here\x08'), 'bell here');
    assert.equal(displayLine('tab\tkept'), 'tab\tkept');
  });

  it('shows what a terminal shows after carriage returns', () => {
    assert.equal(displayLine(' 10%|█ |\r 50%|█████ |\r100%|██████████|'), '100%|██████████|');
    assert.equal(displayLine('windows line\r'), 'windows line');
    assert.equal(displayLine('redrawn\r\r'), 'redrawn');
  });

  it('cuts very long lines', () => {
    const line = displayLine('x'.repeat(MAX_LINE_LENGTH + 10));
    assert.ok(line.startsWith('x'.repeat(MAX_LINE_LENGTH)));
    assert.match(line, /10 more characters\)$/);
  });

  it('joins chunks split anywhere, including inside \\r\\n and escape sequences', () => {
    const tail = new OutputTail();
    for (const chunk of ['first li', 'ne\r', '\nsecond \x1b[3', '1mred\x1b[0m\n', 'third'])
      tail.append(chunk);
    assert.equal(tail.text, 'first line\nsecond red\nthird');
    assert.equal(tail.lineCount, 3);
  });

  it('hides the beginning of an escape sequence until the rest arrives', () => {
    const tail = new OutputTail();
    tail.append('loss \x1b[3');
    assert.equal(tail.text, 'loss ');
    tail.append('2m0.1\x1b[0m');
    assert.equal(tail.text, 'loss 0.1');
  });

  it('shows a progress bar that redraws its line as its latest state', () => {
    const tail = new OutputTail();
    tail.append('epoch 1\n');
    for (let p = 0; p <= 100; p += 25) tail.append(`\r${p}%`);
    assert.equal(tail.text, 'epoch 1\n100%');
    tail.append('\ndone\n');
    assert.equal(tail.text, 'epoch 1\n100%\ndone');
  });

  it('keeps only the last lines and counts what it dropped', () => {
    const tail = new OutputTail(5);
    tail.append(Array.from({ length: 12 }, (_, i) => `line ${i}\n`).join(''));
    assert.equal(tail.text, 'line 7\nline 8\nline 9\nline 10\nline 11');
    assert.equal(tail.dropped, 7);
    tail.append('line 12\nline 13\n');
    assert.equal(tail.text.split('\n')[0], 'line 9');
    assert.equal(tail.dropped, 9);
    tail.append('partial');
    assert.equal(tail.lineCount, 6);
  });

  it('does not let an endless line without newline grow without bound', () => {
    const tail = new OutputTail();
    for (let i = 0; i < 20_000; i++) tail.append(`\rstep ${i} ${'#'.repeat(40)}`);
    assert.equal(tail.text, `step 19999 ${'#'.repeat(40)}`);
    tail.append('y'.repeat(200_000));
    assert.ok(tail.text.length <= MAX_LINE_LENGTH + 64);
  });

  it('starts over on reset', () => {
    const tail = new OutputTail(2);
    tail.append('a\nb\nc\n');
    tail.reset('fresh\n');
    assert.equal(tail.text, 'fresh');
    assert.equal(tail.dropped, 0);
    tail.reset();
    assert.equal(tail.text, '');
    assert.equal(tail.lineCount, 0);
  });
});
