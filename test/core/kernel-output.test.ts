import {describe, expect, it} from 'vitest';
import type {Line} from '../../source/io/line-buffer.js';
import {kernel, watcher, type Kernel} from './fakes.js';

/* A process's output through the real redirector and ring, from fake children. */

type Delivery = {watcher: string; pid: number; lines: string[]; partial: string | undefined; stderr: boolean[]};

function listen(k: Kernel): Delivery[] {
	const deliveries: Delivery[] = [];
	k.arbiter.on('output', (name, pid, lines: readonly Line[], partial) => {
		deliveries.push({watcher: name, pid, lines: lines.map((line) => line.text), partial: partial?.text, stderr: lines.map((line) => line.stderr === true)});
	});
	return deliveries;
}

describe('kernel: output', () => {
	it('delivers complete lines to listeners with the pid they came from, stderr marked', async () => {
		const k = kernel([watcher('web')]);
		const deliveries = listen(k);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const child = k.children.all[0]!;
		child.print('ready\n');
		await k.settle();
		child.print('oops\n', 'stderr');
		await k.settle();
		expect(deliveries).toEqual([
			{watcher: 'web', pid: child.pid, lines: ['ready'], partial: undefined, stderr: [false]},
			{watcher: 'web', pid: child.pid, lines: ['oops'], partial: undefined, stderr: [true]},
		]);
		expect(k.arbiter.get('web').bytesRead).toEqual({stdout: 6, stderr: 5});
	});

	it('delivers an unfinished last line as it stands, and completes it when the output ends', async () => {
		const k = kernel([watcher('web', {respawn: 'false'})]);
		const deliveries = listen(k);
		await k.outcome(k.arbiter.startWatchers(['web']));
		const child = k.children.all[0]!;
		child.print('Password: ');
		await k.settle();
		expect(deliveries.at(-1)).toMatchObject({lines: [], partial: 'Password: '});
		child.exit(0);
		await k.settle();
		expect(deliveries.at(-1)).toMatchObject({lines: ['Password: ']});
		expect(k.arbiter.get('web').finished[0]!.ring.lines(0).map((line) => line.text)).toEqual(['Password: ']);
	});

	it('builds nothing for a watcher nobody listens to', async () => {
		const k = kernel([watcher('web'), watcher('db')], {arbiterOptions: {wantsOutput: (name) => name === 'db'}});
		const deliveries = listen(k);
		await k.outcome(k.arbiter.startWatchers(['web', 'db']));
		for (const child of k.children.all) {
			child.print('hello\n');
		}

		await k.settle();
		expect(deliveries.map((delivery) => delivery.watcher)).toEqual(['db']);
		expect(k.arbiter.get('web').running[0]!.ring.lines(0).map((line) => line.text)).toEqual(['hello']);
	});

	it('holds exactly the live output sources after churn: starts, crashes, scaling and stops', async () => {
		const k = kernel([watcher('web', {numprocesses: '3', check_flapping: 'false'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		expect(k.arbiter.redirector.size).toBe(3);
		await k.clock.advance(2000);
		k.children.all[0]!.exit(1);
		k.children.all[1]!.die(9);
		await k.settle();
		expect(k.arbiter.redirector.size).toBe(3);
		await k.outcome(k.arbiter.command('decr web', {}, () => {
			k.arbiter.get('web').setNumprocesses(1);
		}));
		expect(k.arbiter.redirector.size).toBe(1);
		expect(k.arbiter.redirector.sources.map((source) => source.pid)).toEqual(k.alive('web').map((child) => child.pid));
		await k.outcome(k.arbiter.stopWatchers(['web']));
		expect(k.arbiter.redirector.size).toBe(0);
		expect(k.children.all.every((child) => child.channels.every((channel) => channel.read.closed))).toBe(true);
	});

	it('keeps the output of only the last 8 finished processes', async () => {
		const k = kernel([watcher('web', {check_flapping: 'false', 'procui.backoff': 'false'})]);
		await k.outcome(k.arbiter.startWatchers(['web']));
		for (let index = 0; index < 10; index++) {
			const child = k.children.alive[0]!;
			child.print(`run ${index}\n`);
			child.exit(1);
			await k.settle();
		}

		const finished = k.arbiter.get('web').finished;
		expect(finished.map((entry) => entry.ring.lines(0)[0]?.text)).toEqual(['run 2', 'run 3', 'run 4', 'run 5', 'run 6', 'run 7', 'run 8', 'run 9']);
	});

	it('a PTY process has one channel and a raw tail for a terminal viewer', async () => {
		const k = kernel([watcher('web', {pty: 'true'})]);
		const raw: string[] = [];
		k.arbiter.on('raw', (_name, _pid, data) => {
			raw.push(data.toString());
		});
		const listening = kernel([watcher('web', {pty: 'true'})], {arbiterOptions: {wantsRaw: () => true}});
		const rawListening: Array<[string, number]> = [];
		listening.arbiter.on('raw', (_name, _pid, data, offset) => {
			rawListening.push([data.toString(), offset]);
		});
		for (const each of [k, listening]) {
			await each.outcome(each.arbiter.startWatchers(['web']));
			each.children.all[0]!.print('\u001B[1mbold\u001B[0m\r\n');
			each.children.all[0]!.print('more');
			await each.settle();
		}

		expect(k.children.all[0]!.channels.map((channel) => channel.name)).toEqual(['stdout']);
		expect(k.children.all[0]!.options.env.TERM).toBe('xterm-256color');
		expect(raw).toEqual([]);
		const first = '\u001B[1mbold\u001B[0m\r\n';
		expect(rawListening).toEqual([[first, 0], ['more', first.length]]);
		expect(listening.arbiter.get('web').running[0]!.rawTail!.total).toBe(first.length + 4);
	});
});
