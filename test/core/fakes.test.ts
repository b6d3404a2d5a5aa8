import {describe, expect, it} from 'vitest';
import {FakeChildren, FakeClock, SIGKILL, SIGTERM} from './fakes.js';

/* The fakes the kernel tests stand on: if these lie, every kernel test does. */

describe('FakeClock', () => {
	it('runs due timers by due time, then in the order they were armed, each at its own time', async () => {
		const clock = new FakeClock({start: 0});
		const ran: Array<[string, number]> = [];
		clock.setTimeout(() => ran.push(['c', clock.now()]), 30);
		clock.setTimeout(() => ran.push(['a', clock.now()]), 10);
		clock.setTimeout(() => ran.push(['b', clock.now()]), 10);
		clock.setTimeout(() => ran.push(['late', clock.now()]), 31);
		await clock.advance(30);
		expect(ran).toEqual([['a', 10], ['b', 10], ['c', 30]]);
		expect(clock.now()).toBe(30);
		expect(clock.pending).toEqual([1]);
	});

	it('runs a timer armed by another timer when it comes due within the same advance', async () => {
		const clock = new FakeClock({start: 0});
		const ran: number[] = [];
		clock.setTimeout(() => {
			ran.push(clock.now());
			clock.setTimeout(() => ran.push(clock.now()), 5);
		}, 5);
		await clock.advance(10);
		expect(ran).toEqual([5, 10]);
	});

	it('does not run a cleared timer, and repeats an interval until it is cleared', async () => {
		const clock = new FakeClock({start: 0});
		const ran: string[] = [];
		const cleared = clock.setTimeout(() => ran.push('cleared'), 1);
		clock.clearTimeout(cleared);
		const interval = clock.setInterval(() => ran.push(`tick ${clock.now()}`), 100);
		await clock.advance(350);
		clock.clearInterval(interval);
		await clock.advance(1000);
		expect(ran).toEqual(['tick 100', 'tick 200', 'tick 300']);
		expect(clock.pending).toEqual([]);
	});

	it('lets the work a timer started settle before the next timer fires', async () => {
		const settled: number[] = [];
		const clock = new FakeClock({start: 0, settle: async () => {
			await Promise.resolve();
			settled.push(clock.now());
		}});
		clock.setTimeout(() => undefined, 1);
		clock.setTimeout(() => undefined, 2);
		await clock.advance(3);
		expect(settled).toEqual([0, 1, 2, 3]);
	});

	it('refuses to go back in time', async () => {
		const clock = new FakeClock();
		await expect(clock.advance(-1)).rejects.toThrow('Expected `ms` to be a non-negative number, got `-1`');
	});
});

describe('FakeChildren', () => {
	function spawn(children: FakeChildren, exits: unknown[]) {
		return children.spawn({file: 'server', args: [], env: {}, cwd: '/', pty: false, onExit(status) {
			exits.push(status);
		}});
	}

	it('a child dies of any signal it does not ignore, and of SIGKILL even when told to ignore it', () => {
		const children = new FakeChildren();
		const exits: unknown[] = [];
		const plain = spawn(children, exits);
		const stubborn = children.byPid(spawn(children, exits).pid)!.ignore(SIGTERM, SIGKILL);
		expect(children.signalGroup(plain.pid, SIGTERM)).toBe(true);
		expect(children.signalGroup(stubborn.pid, SIGTERM)).toBe(true);
		expect(children.alive).toEqual([stubborn]);
		children.signalGroup(stubborn.pid, SIGKILL);
		expect(children.alive).toEqual([]);
		expect(exits).toEqual([{code: null, signal: SIGTERM}, {code: null, signal: SIGKILL}]);
	});

	it('reports a signal to a child known to have exited as not delivered, and records every signal', () => {
		const children = new FakeChildren();
		const exits: unknown[] = [];
		const child = spawn(children, exits);
		children.byPid(child.pid)!.exit(0);
		expect(children.signalGroup(child.pid, SIGKILL, true)).toBe(false);
		expect(children.signalProcess(99, SIGTERM)).toBe(false);
		expect(children.signals).toEqual([{pid: child.pid, signal: SIGKILL, group: true}, {pid: 99, signal: SIGTERM, group: false}]);
		expect(exits).toEqual([{code: 0, signal: null}]);
	});
});
