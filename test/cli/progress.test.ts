import { ProgressReporter, type ProgressStream } from '../../src/cli/progress';

// The renderer alone, on a stand-in stream and clock; the commands' output is tested in cli.test.ts.

function fakeStream(isTTY: boolean, columns = 60) {
  const writes: string[] = [];
  const stream: ProgressStream = { isTTY, columns, write: (text: string) => writes.push(text) };
  return { stream, writes };
}

function fakeClock() {
  const clock = { ms: 0, now: () => clock.ms };
  return clock;
}

const CONTROL = /[\x00-\x09\x0b-\x1f]/; // anything but \n

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('progress on a terminal', () => {
  it('redraws one line with a bar, count/total, rate and elapsed time, at most every 100 ms', () => {
    const { stream, writes } = fakeStream(true, 60);
    const clock = fakeClock();
    const progress = new ProgressReporter(stream, clock.now);
    progress.stage('read villages.csv', 1000);
    expect(writes).toHaveLength(1);

    clock.ms = 50;
    for (let i = 0; i < 100; i++) progress.advance(1);
    expect(writes).toHaveLength(1); // within 100 ms of the last redraw: nothing

    clock.ms = 200;
    progress.advance(400);
    expect(writes).toHaveLength(2);
    const line = writes[1];
    expect(line.startsWith('\r')).toBe(true);
    expect(line.endsWith('\x1b[K')).toBe(true);
    expect(line).not.toContain('\n');
    const text = line.slice(1, -3);
    expect(text.length).toBeLessThanOrEqual(59);
    expect(text).toMatch(/^read villages\.csv \[#+-+\] 500\/1000 2500\/s 0\.2 s$/);
    const [, filled, empty] = /\[(#+)(-+)\]/.exec(text)!;
    expect(filled.length).toBe(Math.floor((filled.length + empty.length) / 2));

    // A statement that reports nothing meanwhile: the timer redraws the elapsed time.
    clock.ms = 1300;
    jest.advanceTimersByTime(100);
    expect(writes.at(-1)).toContain(' 1.3 s');

    progress.advance(500);
    progress.stage('write the tree');
    // The finished stage stays on its own line, overwriting the bar; the next one starts drawing.
    expect(writes.at(-2)).toBe('\rread villages.csv: done 1000/1000 in 1.3 s\x1b[K\n');
    expect(writes.at(-1)).toBe('\rwrite the tree 0.0 s\x1b[K');
    clock.ms = 3300;
    progress.done();
    expect(writes.at(-1)).toBe('\rwrite the tree: done in 2.0 s\x1b[K\n');
    // Once done, nothing more is drawn.
    const count = writes.length;
    jest.advanceTimersByTime(1000);
    progress.advance(5);
    expect(writes).toHaveLength(count);
  });

  it('never draws wider than the terminal, and writes a note above the bar', () => {
    const { stream, writes } = fakeStream(true, 30);
    const clock = fakeClock();
    const progress = new ProgressReporter(stream, clock.now);
    progress.stage('a stage with a rather long name indeed', 10);
    clock.ms = 500;
    progress.advance(3);
    for (const write of writes) expect(write.replace(/^\r/, '').replace(/\x1b\[K$/, '').length).toBeLessThanOrEqual(29);
    progress.note('tree imported');
    expect(writes.at(-2)).toBe('\r\x1b[Ktree imported\n');
    expect(writes.at(-1)).toMatch(/^\ra stage with a rather long na/);
    progress.fail();
    expect(writes.at(-1)).toBe('\ra stage with a rather long name indeed: failed after 0.5 s\x1b[K\n');
  });
});

describe('progress in a log', () => {
  it('writes plain lines: the start, each tenth at most once a second, after 5 s of silence, and the end', () => {
    const { stream, writes } = fakeStream(false);
    const clock = fakeClock();
    const progress = new ProgressReporter(stream, clock.now);
    progress.stage('read villages.csv', 1000);
    for (let i = 1; i <= 10; i++) {
      clock.ms = i * 600;
      progress.advance(100);
    }
    progress.stage('count descendants');
    clock.ms = 6000 + 5200;
    jest.advanceTimersByTime(5200);
    clock.ms = 6000 + 7000;
    progress.done();

    expect(writes.join('')).not.toMatch(CONTROL);
    expect(writes.every((write) => write.endsWith('\n') && write.indexOf('\n') === write.length - 1)).toBe(true);
    expect(writes).toEqual([
      'read villages.csv: 0/1000\n',
      'read villages.csv: 200/1000 (20%), 1.2 s\n',
      'read villages.csv: 400/1000 (40%), 2.4 s\n',
      'read villages.csv: 600/1000 (60%), 3.6 s\n',
      'read villages.csv: 800/1000 (80%), 4.8 s\n',
      'read villages.csv: done 1000/1000 in 6.0 s\n',
      'count descendants: started\n',
      'count descendants: running, 5.2 s\n',
      'count descendants: done in 7.0 s\n',
    ]);
  });
});
