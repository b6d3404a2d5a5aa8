/**
The benchmark suite runs end to end at tiny sizes: every row of the table comes out with a
number and the JSON is written; each peer (supervisord, PM2) is either measured in W1–W4 (PM2 in
W5's idle row too, as `pm2 monit`) or skipped with one line. Its figures and targets are never
asserted here: tests check behaviour, `npm run bench` measures.
*/
import childProcess from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, expect, test} from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runner = path.join(repoRoot, 'dist', 'test', 'bench', 'run.js');
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'procui-bench-smoke-'));

afterAll(() => {
	fs.rmSync(outDir, {recursive: true, force: true});
});

type JsonRow = {
	readonly id: string;
	readonly figure: string;
	readonly baselineName: string;
	readonly procui?: number;
	readonly baseline?: number;
	readonly peers?: Record<string, number>;
	readonly outcome: string;
};

test('the smoke run prints every figure with a number and writes results.json', async () => {
	const {code, stdout, stderr} = await new Promise<{code: number | null; stdout: string; stderr: string}>(resolve => {
		childProcess.execFile(process.execPath, [runner, '--smoke', '--out', outDir], {cwd: repoRoot, timeout: 170_000, maxBuffer: 16 * 1024 * 1024}, (error, out, err) => {
			resolve({code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout: out, stderr: err});
		});
	});
	expect(code, stderr).toBe(0);

	const json = JSON.parse(fs.readFileSync(path.join(outDir, 'results.json'), 'utf8')) as {mode: string; rows: JsonRow[]; leftovers: number[]; peers: {found: Array<{name: string}>; absent: string[]}};
	expect(json.mode).toBe('smoke');
	expect(json.leftovers).toEqual([]);
	const ids = json.rows.map(row => row.id);
	expect(ids).toEqual([
		'w1.spawn', 'w1.rss', 'w1.idle',
		'w2.pipe.throughput', 'w2.pty.throughput', 'w2.pipe.lost', 'w2.pty.lost', 'w2.pipe.cpu', 'w2.pty.cpu', 'w2.small.throughput', 'w2.small.lost', 'w2.small.cpu',
		'w3.restarts', 'w3.cpu',
		'w4.rtt.median', 'w4.rtt.p95', 'w4.ctl',
		'w5.key', 'w5.fps', 'w5.frame', 'w5.cpu',
		'w5.first', 'w5.idle', 'w5.rss',
	]);
	for (const row of json.rows) {
		// A build without the TUI reports W5 as not measured; everything else is a number.
		if (row.outcome === 'not measured' && row.id.startsWith('w5.')) {
			continue;
		}

		expect(Number.isFinite(row.procui), `${row.id} procui`).toBe(true);
		// Rows with no baseline say so ('—'); the others carry a measured one.
		if (row.baselineName !== '—') {
			expect(Number.isFinite(row.baseline), `${row.id} baseline`).toBe(true);
		}

		expect(['pass', 'miss', 'info'], row.id).toContain(row.outcome);
		// The printed table has the row too.
		expect(stdout).toContain(row.figure);
	}

	expect(fs.readFileSync(path.join(outDir, 'results.md'), 'utf8')).toContain('| figure | procui | baseline | ratio | target | result | supervisord | PM2 |');

	// Each peer is either measured or skipped with one line (CI has neither installed).
	expect(json.peers.found.length + json.peers.absent.length).toBe(2);
	for (const line of json.peers.absent) {
		expect(stdout.split('\n')).toContain(line);
	}

	for (const {name} of json.peers.found) {
		for (const id of ['w1.spawn', 'w2.pipe.throughput', 'w3.restarts', 'w4.rtt.median', ...(name === 'pm2' ? ['w5.idle'] : [])]) {
			expect(Number.isFinite(json.rows.find(row => row.id === id)?.peers?.[name]), `${id} ${name}`).toBe(true);
		}

		expect(json.rows.find(row => row.id === 'w2.pty.throughput')?.peers?.[name], `w2.pty.throughput ${name}`).toBeUndefined();
	}
}, 180_000);
