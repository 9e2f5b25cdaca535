import assert from 'node:assert/strict';
import { LineDiscipline } from '../../../src/core/runs/lineDiscipline';

describe("the line discipline of a run's terminal", () => {
  it('echoes typed characters and sends the line on Enter', () => {
    const tty = new LineDiscipline();
    assert.deepEqual(tty.handle('ad'), { echo: 'ad', input: [], interrupt: false, endOfInput: false });
    assert.equal(tty.pending, 'ad');
    assert.deepEqual(tty.handle('a\r'), {
      echo: 'a\r\n',
      input: ['ada\n'],
      interrupt: false,
      endOfInput: false,
    });
    assert.equal(tty.pending, '');
  });

  it('sends every line of a paste, in order, and keeps the unfinished rest', () => {
    const tty = new LineDiscipline();
    assert.deepEqual(tty.handle('one\rtwo\rthr').input, ['one\n', 'two\n']);
    assert.equal(tty.pending, 'thr');
  });

  it('Backspace removes the last character (a whole emoji), and nothing on an empty line', () => {
    const tty = new LineDiscipline();
    tty.handle('ok😀');
    assert.equal(tty.handle('\x7f').echo, '\b \b');
    assert.equal(tty.pending, 'ok');
    tty.handle('\x7f\x7f');
    assert.equal(tty.handle('\x7f').echo, '');
  });

  it('Ctrl-C interrupts and drops the line; Ctrl-D sends what is typed and ends the input', () => {
    const tty = new LineDiscipline();
    tty.handle('half');
    assert.deepEqual(tty.handle('\x03'), { echo: '^C\r\n', input: [], interrupt: true, endOfInput: false });
    assert.equal(tty.pending, '');
    tty.handle('last');
    assert.deepEqual(tty.handle('\x04'), { echo: '', input: ['last'], interrupt: false, endOfInput: true });
  });

  it('ignores escape sequences and other control characters', () => {
    const tty = new LineDiscipline();
    assert.deepEqual(tty.handle('\x1b[A'), { echo: '', input: [], interrupt: false, endOfInput: false });
    assert.equal(tty.handle('a\x07\tb').echo, 'ab');
  });
});
