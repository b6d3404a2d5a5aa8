/**
W2's floor for the small-write flood, Node's side: a CommonJS script that reads descriptor FD (the
child's socket pair, made by the launcher in small-write-floor.ts) and writes what it read to FILE
itself, in the same thread, at the end of every turn of the event loop: reads as procui makes
them (a buffer handed to libuv, many reads a turn), but into one buffer used again, with no
scrollback, no writer thread and no spacing. What any Node supervisor costs at least; one that keeps
DESIGN's rule (no file write on the scheduler's thread) costs more. Prints `ready` once it reads,
then, at end of file, `{"bytes":…,"cpu":…}` (its own CPU seconds since `ready`).
`node dist/test/bench/small-write-reader.cjs FILE FD`.
*/
import fs from 'node:fs';
import net from 'node:net';

const out = fs.openSync(process.argv[2]!, 'w');
const buffer = Buffer.allocUnsafeSlow(256 * 1024);
let filled = 0;
let bytes = 0;
let scheduled = false;
const flush = (): void => {
	scheduled = false;
	if (filled > 0) {
		fs.writeSync(out, buffer, 0, filled);
		bytes += filled;
		filled = 0;
	}
};

const socket = new net.Socket({
	fd: Number(process.argv[3]),
	readable: true,
	writable: false,
	onread: {
		buffer() {
			if (buffer.length - filled < 64 * 1024) {
				flush();
			}

			return buffer.subarray(filled);
		},
		callback(read: number) {
			filled += read;
			if (!scheduled) {
				scheduled = true;
				setImmediate(flush);
			}

			return true;
		},
	},
} as net.SocketConstructorOpts);
const startedAt = process.cpuUsage();
socket.on('end', () => {
	flush();
	fs.closeSync(out);
	const cpu = process.cpuUsage(startedAt);
	process.stdout.write(`${JSON.stringify({bytes, cpu: (cpu.user + cpu.system) / 1e6})}\n`);
});
process.stdout.write('ready\n');
