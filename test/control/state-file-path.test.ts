import os from 'node:os';
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {runtimeDirectory} from '../../source/control/endpoint.js';
import {stateFilePath} from '../../source/control/orphans.js';

const saved = {endpoint: process.env.PROCUI_ENDPOINT, runtime: process.env.XDG_RUNTIME_DIR};

afterEach(() => {
	for (const [key, value] of [['PROCUI_ENDPOINT', saved.endpoint], ['XDG_RUNTIME_DIR', saved.runtime]] as const) {
		if (value === undefined) {
			delete process.env[key];
		} else {
			process.env[key] = value;
		}
	}
});

/** Where a daemon writes down its processes (the file a later daemon reads to stop what it left). */
describe('the state file', () => {
	it('of a TCP daemon is in the per-user folder, also when PROCUI_ENDPOINT names a TCP endpoint', () => {
		delete process.env.XDG_RUNTIME_DIR;
		process.env.PROCUI_ENDPOINT = 'tcp://127.0.0.1:25915';
		const file = stateFilePath(undefined, 'tcp://127.0.0.1:25915');
		expect(file).toBe(path.join(os.tmpdir(), `procui-${process.getuid!()}`, 'procui-tcp-25915.state'));
		expect(path.dirname(file!)).toBe(runtimeDirectory());
		process.env.XDG_RUNTIME_DIR = '/run/user/1234';
		expect(stateFilePath(undefined, 'tcp://127.0.0.1:25915')).toBe('/run/user/1234/procui/procui-tcp-25915.state');
	});

	it('is beside the pidfile, or beside the socket', () => {
		expect(stateFilePath('/var/run/circus.pid', 'tcp://127.0.0.1:5555')).toBe('/var/run/circus.state');
		expect(stateFilePath(undefined, 'ipc:///srv/app/run/procui.sock')).toBe('/srv/app/run/procui.state');
	});
});
