import childProcess from 'node:child_process';
import fs from 'node:fs';
import {createRequire} from 'node:module';
import os from 'node:os';
import path from 'node:path';
import tty from 'node:tty';
import {afterEach, expect, test} from 'vitest';
import type net from 'node:net';
import {floodSpacing, pipeFd, readPipe, readPipeEnd, readTerminal, spacingFor, type Spacing} from '../../source/io/gathered-reads.js';
import {spawnNative} from '../../source/io/native-spawn.js';

type NativePty = {open(cols: number, rows: number): {master: number; slave: number}};
const require = createRequire(import.meta.url);
const {module: native} = (require('node-pty/lib/utils') as {loadNativeModule(name: string): {module: NativePty}}).loadNativeModule('pty');

const cleanups: Array<() => void> = [];
afterEach(() => {
	for (const cleanup of cleanups.splice(0)) {
		cleanup();
	}
});

/** A real PTY with `command` on its slave. The test holds the slave too: a hang-up can overtake
the last bytes (see DrainMarker), so a test waits for the bytes, then closes it. */
function terminalOf(command: string, args: readonly string[]): {master: number; closeSlave: () => void; child: childProcess.ChildProcess} {
	const pair = native.open(80, 24);
	const child = childProcess.spawn(command, args, {stdio: [pair.slave, pair.slave, pair.slave]});
	let open = true;
	const closeSlave = (): void => {
		if (open) {
			open = false;
			fs.closeSync(pair.slave);
		}
	};

	cleanups.push(() => {
		child.kill('SIGKILL');
		closeSlave();
	});
	return {master: pair.master, closeSlave, child};
}

async function until(probe: () => boolean, what: string): Promise<void> {
	const deadline = Date.now() + 20_000;
	while (!probe()) {
		if (Date.now() > deadline) {
			throw new Error(`timed out waiting for ${what}`);
		}

		await new Promise(resolve => setTimeout(resolve, 5));
	}
}

test('hands on every byte in order, in chunks that stay as they were, before close', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-tty-reader-'));
	cleanups.push(() => fs.rmSync(dir, {recursive: true, force: true}));
	const lines = Array.from({length: 40_000}, (_, i) => `line ${i} ${'x'.repeat(i % 50)}`).join('\n') + '\n';
	fs.writeFileSync(path.join(dir, 'input'), lines);
	const {master, closeSlave} = terminalOf('cat', [path.join(dir, 'input')]);
	const stream = readTerminal(master);
	const chunks: Buffer[] = [];
	let bytes = 0;
	stream.on('data', (chunk: Buffer) => {
		// A reader may keep them: later reads must not write over what it holds.
		chunks.push(chunk);
		bytes += chunk.length;
	});
	stream.on('error', () => undefined);
	const closed = new Promise(resolve => stream.once('close', resolve));
	// Every line gains a \r on the terminal.
	await until(() => bytes >= Buffer.byteLength(lines) + 40_000, 'all of cat\'s output');
	closeSlave();
	await closed;
	expect(chunks.length).toBeGreaterThan(1);
	expect(Buffer.concat(chunks).toString().replaceAll('\r\n', '\n')).toBe(lines);
}, 30_000);

/** How many chunks `cat`'s output of `input` (`bytes` on the terminal) came in, read by `read` (a stream on the master). */
async function terminalChunks(input: string, bytes: number, read: (master: number) => net.Socket): Promise<number> {
	const {master, closeSlave} = terminalOf('cat', [input]);
	const stream = read(master);
	let chunks = 0;
	let total = 0;
	stream.on('data', (chunk: Buffer) => {
		chunks++;
		total += chunk.length;
	});
	stream.on('error', () => undefined);
	await until(() => total >= bytes, 'all of cat\'s output');
	closeSlave();
	stream.destroy();
	return chunks;
}

test('reads a terminal flood several reads to a turn of the loop, where Node\'s own stream reads once', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-tty-reader-'));
	cleanups.push(() => fs.rmSync(dir, {recursive: true, force: true}));
	const input = path.join(dir, 'input');
	fs.writeFileSync(input, Buffer.alloc(8_000_000, 'x'));
	// Node's tty.ReadStream hands on each read (at most 4095 bytes) as a chunk; procui's reader one
	// chunk per turn of the loop. Offered 4095 bytes, a full read has libuv read again at once, and
	// the kernel has mostly refilled the terminal by then: here 0.25–0.34 as many turns as reads
	// (0.23–0.62 with three busy loops beside it); offered more, each read is a turn of its own:
	// 0.85–1.17. When the kernel refills depends on the machine's load: the best of up to three
	// pairs of floods counts.
	const ratios: number[] = [];
	for (let pair = 0; pair < 3 && !(ratios.at(-1)! < 0.5); pair++) {
		const reads = await terminalChunks(input, 8_000_000, master => new tty.ReadStream(master));
		const turns = await terminalChunks(input, 8_000_000, readTerminal);
		ratios.push(turns / reads);
	}

	expect(Math.min(...ratios), `turns per read: ${ratios.map(ratio => ratio.toFixed(2)).join(', ')}`).toBeLessThan(0.5);
}, 60_000);

test('hands on a prompt without a newline as soon as it is written', async () => {
	const {master} = terminalOf('sh', ['-c', 'printf "name? "; sleep 5']);
	const stream = readTerminal(master);
	stream.on('error', () => undefined);
	cleanups.push(() => stream.destroy());
	const first = await new Promise<string>(resolve => {
		stream.once('data', (chunk: Buffer) => {
			resolve(chunk.toString());
		});
	});
	expect(first).toBe('name? ');
}, 10_000);

test('stops reading while paused and goes on when resumed', async () => {
	const {master, child} = terminalOf('sh', ['-c', 'stty -echo; printf "one\\n"; read -r _; printf "two\\n"']);
	const stream = readTerminal(master);
	stream.on('error', () => undefined);
	cleanups.push(() => stream.destroy());
	let seen = '';
	stream.on('data', (chunk: Buffer) => {
		seen += chunk.toString();
	});
	await until(() => seen.includes('one'), '"one"');
	stream.pause();
	fs.writeSync(master, 'go\r');
	await until(() => child.exitCode !== null, 'the child\'s exit');
	// The child has written "two"; nothing is read while paused.
	expect(seen).not.toContain('two');
	stream.resume();
	await until(() => seen.includes('two'), '"two" after resume');
}, 10_000);

test('takes a child\'s pipe over from child_process and hands on every byte in order, then ends', async () => {
	const child = childProcess.spawn('sh', ['-c', 'yes procui-gathered-reads-line | head -c 3000000; printf tail'], {stdio: ['ignore', 'pipe', 'ignore']});
	cleanups.push(() => child.kill('SIGKILL'));
	const stream = readPipe(child.stdout as net.Socket);
	expect(pipeFd(stream)).toBeGreaterThan(2);
	const chunks: Buffer[] = [];
	stream.on('data', (chunk: Buffer) => {
		chunks.push(chunk);
	});
	await new Promise(resolve => stream.once('close', resolve));
	const expected = 'procui-gathered-reads-line\n'.repeat(Math.ceil(3_000_000 / 27)).slice(0, 3_000_000) + 'tail';
	expect(Buffer.concat(chunks).toString()).toBe(expected);
	expect(pipeFd(stream)).toBe(-1);
}, 30_000);

test('hands on a quiet child\'s small writes one by one as they come', async () => {
	const child = childProcess.spawn('sh', ['-c', 'printf "first\\n"; read -r _; printf "second"'], {stdio: ['pipe', 'pipe', 'ignore']});
	cleanups.push(() => child.kill('SIGKILL'));
	const stream = readPipe(child.stdout as net.Socket);
	let seen = '';
	stream.on('data', (chunk: Buffer) => {
		seen += chunk.toString();
	});
	await until(() => seen === 'first\n', 'the first line');
	child.stdin!.end('go\n');
	await until(() => seen === 'first\nsecond', 'the second write');
}, 10_000);

/** `script` run by the supervisor's own spawner, its stdout a pipe made for spaced reads: the read end. */
/** The read end of a pipe a child of `script` writes to, and the room the pipe gives the child. */
function spawnedPipeWithRoom(script: string): {read: number; room: number} {
	// Until it is reaped its pid is its own; after, it may be another test's process.
	let reaped = false;
	const child = spawnNative('/bin/sh', ['sh', '-c', script], {PATH: process.env.PATH ?? '/usr/bin:/bin'}, process.cwd(), ['ignore', 'pipe', 'ignore'], () => {
		reaped = true;
	});
	cleanups.push(() => {
		if (!reaped) {
			process.kill(child.pid, 'SIGKILL');
		}
	});
	return {read: child.pipes[1]!, room: child.pipeRoom};
}

function spawnedPipe(script: string): number {
	return spawnedPipeWithRoom(script).read;
}

type Handle = {reading: boolean};
const smallWrites = 'yes procui-spaced-reads-line | head -c 3000000';
const smallWritesOutput = 'procui-spaced-reads-line\n'.repeat(Math.ceil(3_000_000 / 25)).slice(0, 3_000_000);

test('spaces the reads of a flood in small writes, then reads all that gathered at once, every byte in order', async () => {
	// A wide gap and a long space, so that a loaded machine still sees the flood as one.
	const spacing: Spacing = {belowBytes: 64 * 1024, gapMs: 1000, spaceMs: 20};
	const stream = readPipeEnd(spawnedPipe(smallWrites), spacing);
	const handle = (stream as net.Socket & {_handle: Handle})._handle;
	const chunks: Buffer[] = [];
	/** Milliseconds from each spaced turn to the next one. */
	const spaces: number[] = [];
	let spacedAt: number | undefined;
	stream.on('data', (chunk: Buffer) => {
		const now = performance.now();
		if (spacedAt !== undefined) {
			spaces.push(now - spacedAt);
		}

		chunks.push(chunk);
		spacedAt = handle.reading ? undefined : now;
	});
	await new Promise(resolve => stream.once('close', resolve));
	expect(Buffer.concat(chunks).toString()).toBe(smallWritesOutput);
	expect(spaces.length).toBeGreaterThan(0);
	// A timer may fire up to a millisecond early by the loop's clock.
	expect(Math.min(...spaces)).toBeGreaterThanOrEqual(spacing.spaceMs - 2);
}, 30_000);

test('a pipe paused during a space (a stream file behind) stays paused until resumed', async () => {
	const spacing: Spacing = {belowBytes: 64 * 1024, gapMs: 1000, spaceMs: 5};
	const stream = readPipeEnd(spawnedPipe(smallWrites), spacing);
	const handle = (stream as net.Socket & {_handle: Handle})._handle;
	let bytes = 0;
	let pausedAt: number | undefined;
	stream.on('data', (chunk: Buffer) => {
		bytes += chunk.length;
		if (pausedAt === undefined && !handle.reading) {
			stream.pause();
			pausedAt = bytes;
		}
	});
	const closed = new Promise(resolve => stream.once('close', resolve));
	await until(() => pausedAt !== undefined, 'a spaced read');
	// Twenty spaces long: that nothing is read can only be seen over a while.
	await new Promise(resolve => setTimeout(resolve, 20 * spacing.spaceMs));
	expect(bytes).toBe(pausedAt);
	expect(handle.reading).toBe(false);
	stream.resume();
	await closed;
	expect(bytes).toBe(3_000_000);
}, 30_000);

test('a child\'s pipe gives its writer room for what gathers while reads are spaced: 1 MiB asked, doubled, capped by net.core.wmem_max', async () => {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-pipe-room-'));
	cleanups.push(() => fs.rmSync(dir, {recursive: true, force: true}));
	const marker = path.join(dir, 'written');
	const wmemMax = Number(fs.readFileSync('/proc/sys/net/core/wmem_max', 'utf8'));
	// Half the room it should get.
	const {read, room} = spawnedPipeWithRoom(`head -c ${Math.min(1024 * 1024, wmemMax)} /dev/zero; : > '${marker}'`);
	cleanups.push(() => fs.closeSync(read));
	expect(room).toBe(2 * Math.min(1024 * 1024, wmemMax));
	// Half the room holds that much payload at least (the rest is the kernel's accounting of each
	// write): the child writes it all and goes on while nothing is read.
	await until(() => fs.existsSync(marker), 'the child to write its bytes without a reader');
	expect(spacingFor(room)).toBe(wmemMax >= 1024 * 1024 ? floodSpacing : undefined);
}, 30_000);

test('reads are spaced only where a pipe has the room for it', () => {
	expect(spacingFor(2 * 1024 * 1024)).toBe(floodSpacing);
	expect(spacingFor(1024 * 1024)).toBe(floodSpacing);
	// net.core.wmem_max's usual 212,992, doubled.
	expect(spacingFor(425_984)).toBeUndefined();
	expect(spacingFor(0)).toBeUndefined();
});
