/**
Replaying a PTY process's raw tail: the tail is the newest bytes only, so the program's switch to
the alternate screen may be older than it (the `screen` reply says it is on). Then the switch is
replayed first. When the switch is in the tail itself, it is not: the lines printed before it
belong to the main screen, and drawing them on the alternate one would show them under the
program's screen.
*/
import type {Buffer} from 'node:buffer';

/** The sequences that enter the alternate screen (xterm's 1049, 1047 and 47). */
const enterAlternate = ['\u001B[?1049h', '\u001B[?1047h', '\u001B[?47h'];

/** What to write to a fresh emulator before the tail. */
export function replayPrefix(tail: Buffer, alternate: boolean): string {
	return alternate && !enterAlternate.some((sequence) => tail.includes(sequence)) ? '\u001B[?1049h' : '';
}
