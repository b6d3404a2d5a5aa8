import childProcess from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {field} from '../helpers/reply.js';
import {cliPath, startDaemon, tempDir, waitFor, type Daemon} from '../helpers/daemon.js';
import {checkMetrics} from '../helpers/promtool.js';

let daemon: Daemon | undefined;

afterEach(async () => {
	await daemon?.stop();
	daemon = undefined;
});

async function metricsUrl(running: Daemon): Promise<string> {
	const url = field<{metrics: string | null}>(await running.ok('globaloptions'), 'options').metrics;
	expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
	return url!;
}

async function scrape(url: string): Promise<string> {
	const response = await fetch(url, {signal: AbortSignal.timeout(20_000)});
	expect(response.status).toBe(200);
	expect(response.headers.get('content-type')).toContain('version=0.0.4');
	return response.text();
}

/** The value of the sample `name{labels}` (labels as written, in order), or undefined. */
function value(text: string, sample: string): number | undefined {
	const line = text.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
	return line === undefined ? undefined : Number(line.slice(sample.length + 1));
}

describe('Prometheus metrics on /metrics', () => {
	it('serves every family in a form promtool accepts, with per-watcher, per-process and latency samples', async () => {
		daemon = await startDaemon(`
[circus]
procui.metrics = 127.0.0.1:0

[watcher:web]
cmd = sleep 1000
numprocesses = 2

[watcher:missing]
cmd = /nonexistent/program
max_retry = 2

[watcher:idle]
cmd = sleep 1000
autostart = false
`);
		const url = await metricsUrl(daemon);
		await waitFor(async () => (await daemon!.ok('status', {name: 'web'})).status === 'active', {what: 'web to run'});
		await daemon.ok('status', {name: 'web'});
		await daemon.call('no-such-command-1');
		await daemon.call('no-such-command-2');
		const text = await waitFor(async () => {
			const page = await scrape(url);
			return value(page, 'procui_watcher_gave_up{watcher="missing"}') === 1 ? page : undefined;
		}, {what: 'the missing watcher to give up'});

		expect(checkMetrics(text)).toEqual({output: '', status: 0});

		expect(value(text, 'procui_watcher_processes{watcher="web",kind="desired"}')).toBe(2);
		expect(value(text, 'procui_watcher_processes{watcher="web",kind="running"}')).toBe(2);
		expect(value(text, 'procui_watcher_processes{watcher="idle",kind="desired"}')).toBe(0);
		expect(value(text, 'procui_watcher_state{watcher="web",state="active"}')).toBe(1);
		expect(value(text, 'procui_watcher_state{watcher="idle",state="stopped"}')).toBe(1);
		expect(value(text, 'procui_watcher_spawn_failures_total{watcher="missing"}')).toBe(2);
		expect(value(text, 'procui_watcher_flapping{watcher="web"}')).toBe(0);
		expect(value(text, 'procui_watcher_restarts_total{watcher="web"}')).toBe(0);
		const rows = text.split('\n').filter((line) => line.startsWith('procui_process_resident_memory_bytes{watcher="web"'));
		expect(rows).toHaveLength(2);
		for (const row of rows) {
			expect(Number(row.split(' ')[1])).toBeGreaterThan(0);
		}

		expect(text).toMatch(/^procui_process_cpu_seconds_total\{watcher="web",wid="1",pid="\d+"\} \d/m);
		expect(text).toMatch(/^procui_process_uptime_seconds\{watcher="web",wid="2",pid="\d+"\} \d/m);
		expect(value(text, 'procui_command_duration_seconds_count{command="status"}')).toBeGreaterThanOrEqual(2);
		expect(value(text, 'procui_command_duration_seconds_bucket{command="status",le="+Inf"}')).toBe(value(text, 'procui_command_duration_seconds_count{command="status"}'));
		// Unknown commands share one label: a client cannot grow the page without bound.
		expect(value(text, 'procui_command_duration_seconds_count{command="other"}')).toBe(2);
		expect(text).not.toContain('no-such-command');
		expect(value(text, 'procui_scheduler_queue_length')).toBeGreaterThanOrEqual(0);

		const notFound = await fetch(url.replace('/metrics', '/'));
		expect(notFound.status).toBe(404);
		const post = await fetch(url, {method: 'POST'});
		expect(post.status).toBe(405);
	});

	it('keeps answering scrapes while a watcher floods, and the byte counter grows', async () => {
		daemon = await startDaemon(`
[circus]
procui.metrics = 127.0.0.1:0

[watcher:flood]
cmd = yes flooding-the-supervisor-with-one-line-after-another
pty = false
stdout_stream.class = FileStream
stdout_stream.filename = flood.log
stdout_stream.max_bytes = 4194304
stdout_stream.backup_count = 1
`);
		const url = await metricsUrl(daemon);
		const read = (page: string) => value(page, 'procui_output_read_bytes_total{watcher="flood",stream="stdout"}') ?? 0;
		await waitFor(async () => read(await scrape(url)) > 1_000_000, {what: 'the flood to start'});
		const first = await scrape(url);
		let previous = first;
		for (let index = 0; index < 20; index++) {
			const page = await scrape(url);
			// A counter: never goes back.
			expect(read(page)).toBeGreaterThanOrEqual(read(previous));
			expect(value(page, 'procui_output_read_bytes_total{watcher="flood",stream="stderr"}')).toBe(0);
			previous = page;
		}

		await waitFor(async () => read(await scrape(url)) > read(first) + 1_000_000, {what: 'the counter to keep growing'});

		// Supervision carried on meanwhile: commands are answered, the flood still runs, its file grows.
		expect((await daemon.ok('status', {name: 'flood'})).status).toBe('active');
		// Rotated every 4 MiB: between the rename and the new file's first write there is no flood.log.
		await waitFor(() => (fs.statSync(path.join(daemon!.dir, 'flood.log'), {throwIfNoEntry: false})?.size ?? 0) > 0, {what: 'flood.log to be written'});
	});

	it('a flood of idle connections to the metrics port neither stops supervision nor stays forever', async () => {
		daemon = await startDaemon('[circus]\nprocui.metrics = 127.0.0.1:0\n[watcher:web]\ncmd = sleep 1000\npty = false\n');
		const url = new URL(await metricsUrl(daemon));
		const sockets = await Promise.all(Array.from({length: 64}, async () => new Promise<net.Socket>((resolve) => {
			const socket = net.connect({host: url.hostname, port: Number(url.port)}, () => {
				resolve(socket);
			});
			socket.on('error', () => undefined);
			socket.resume();
			// Half a request line, never finished.
			socket.write('GET /metr');
		})));
		try {
			expect((await daemon.ok('status', {name: 'web'})).status).toBe('active');
			await daemon.ok('incr', {name: 'web', nb: 1});
			expect(field<number>(await daemon.ok('numprocesses', {name: 'web'}), 'numprocesses')).toBe(2);
			// Beyond the limit they are refused at once; the rest are cut off by the request timeout.
			await waitFor(() => sockets.every((socket) => socket.destroyed || socket.readableEnded), {what: 'the idle connections to be closed', timeoutMs: 30_000});
			await scrape(url.href);
		} finally {
			for (const socket of sockets) {
				socket.destroy();
			}
		}
	});

	it('binds a bare port to 127.0.0.1 only', async () => {
		daemon = await startDaemon('[watcher:web]\ncmd = sleep 1000\n', {args: ['--metrics', '0']});
		const url = await metricsUrl(daemon);
		await scrape(url);
		const port = new URL(url).port;
		const outside = Object.values(os.networkInterfaces()).flat().find((entry) => entry?.family === 'IPv4' && !entry.internal)?.address;
		if (outside !== undefined) {
			await expect(fetch(`http://${outside}:${port}/metrics`, {signal: AbortSignal.timeout(5000)})).rejects.toThrow();
		}
	});

	it('serves a non-loopback address only when written out, with a warning', async () => {
		daemon = await startDaemon('[watcher:web]\ncmd = sleep 1000\n', {args: ['--metrics', '0.0.0.0:0']});
		await waitFor(() => /WARNING.*metrics are served on http:\/\/0\.0\.0\.0:\d+\/metrics, which is not a loopback address/.test(daemon!.stderr()), {what: 'the warning'});
	});

	it('accepts HOST:PORT, [IPv6]:PORT and PORT, and refuses a bad address with a clear error: in the config (file:line) and on the command line', () => {
		const dir = tempDir();
		try {
			const config = path.join(dir, 'circus.ini');
			fs.writeFileSync(config, '[circus]\nprocui.metrics = localhost:http\n[watcher:web]\ncmd = sleep 1000\n');
			const check = childProcess.spawnSync(process.execPath, [cliPath, 'check', config], {encoding: 'utf8', cwd: dir});
			expect(check.status).not.toBe(0);
			expect(check.stderr).toContain('circus.ini:2');
			expect(check.stderr).toContain('procui.metrics: expected HOST:PORT or PORT (e.g. 127.0.0.1:9108), got "localhost:http"');

			for (const good of ['9108', '127.0.0.1:9108', '[::1]:9108', '0.0.0.0:9108', 'localhost:9108']) {
				fs.writeFileSync(config, `[circus]\nprocui.metrics = ${good}\n[watcher:web]\ncmd = sleep 1000\n`);
				const accepted = childProcess.spawnSync(process.execPath, [cliPath, 'check', config], {encoding: 'utf8', cwd: dir});
				expect(accepted.stderr, good).not.toContain('procui.metrics');
				expect(accepted.status, good).toBe(0);
			}

			fs.writeFileSync(config, '[watcher:web]\ncmd = sleep 1000\n');
			const run = childProcess.spawnSync(process.execPath, [cliPath, 'daemon', config, '--endpoint', `ipc://${dir}/s.sock`, '--metrics', '99999'], {encoding: 'utf8', cwd: dir, timeout: 30_000});
			expect(run.status).toBe(1);
			expect(run.stderr).toContain('metrics address: expected HOST:PORT or PORT (e.g. 127.0.0.1:9108), got "99999"');
		} finally {
			fs.rmSync(dir, {recursive: true, force: true});
		}
	});
});
