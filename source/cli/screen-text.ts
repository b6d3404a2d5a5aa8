/**
`procui ctl screen`: what a PTY process's screen shows, as text. The reply carries the newest raw
output (base64) and the window size; replayed in a terminal emulator of that size (@xterm/headless,
as the UI's log pane does), its rows are printed as plain text, without colours and without the
blank rows at the bottom. `--json` prints the reply itself, for a viewer of one's own.
*/
import {Buffer} from 'node:buffer';
import {createRequire} from 'node:module';
import type {OkReply} from '../control/protocol.js';
import {replayPrefix} from '../control/alternate-replay.js';

/** The size when the reply has none (a supervisor that does not say). */
const fallbackSize = {columns: 80, rows: 24};

const dimension = (value: unknown, fallback: number): number => (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 1000 ? value : fallback);

export async function screenText(reply: OkReply): Promise<string> {
	// Required (it is CommonJS), not imported: ctl's bundle runs where no dynamic import can (cli.tsx, runBundle).
	const xterm = createRequire(import.meta.url)('@xterm/headless') as typeof import('@xterm/headless');
	const columns = dimension(reply.columns, fallbackSize.columns);
	const rows = dimension(reply.rows, fallbackSize.rows);
	const terminal = new xterm.Terminal({cols: columns, rows, scrollback: 0, allowProposedApi: true});
	try {
		const data = typeof reply.data === 'string' ? Buffer.from(reply.data, 'base64') : Buffer.alloc(0);
		// The switch to the alternate screen may be older than the tail: replayed first, as the log pane does.
		terminal.write(replayPrefix(data, reply.alternate === true));
		await new Promise<void>((done) => {
			terminal.write(data, done);
		});
		const buffer = terminal.buffer.active;
		const lines: string[] = [];
		for (let y = 0; y < rows; y++) {
			lines.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
		}

		while (lines.length > 0 && lines.at(-1)!.trim() === '') {
			lines.pop();
		}

		return lines.join('\n');
	} finally {
		terminal.dispose();
	}
}
