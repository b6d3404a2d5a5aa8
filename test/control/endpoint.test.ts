import os from 'node:os';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {defaultEndpoint, parseEndpoint} from '../../source/control/endpoint.js';
import {EndpointError} from '../../source/control/errors.js';

describe('parseEndpoint', () => {
	it('reads a Unix socket path', () => {
		expect(parseEndpoint('ipc:///run/user/1000/procui/procui.sock')).toEqual({transport: 'ipc', path: '/run/user/1000/procui/procui.sock', url: 'ipc:///run/user/1000/procui/procui.sock'});
	});

	it('refuses a relative socket path', () => {
		expect(() => parseEndpoint('ipc://procui.sock')).toThrow('must be absolute');
	});

	it('refuses a socket path longer than a Unix socket allows', () => {
		expect(() => parseEndpoint(`ipc:///${'d'.repeat(120)}/procui.sock`)).toThrow('at most 107');
	});

	it('reads a TCP endpoint on 127.0.0.1', () => {
		expect(parseEndpoint('tcp://127.0.0.1:5555')).toEqual({transport: 'tcp', host: '127.0.0.1', port: 5555, url: 'tcp://127.0.0.1:5555'});
	});

	it('reads localhost as 127.0.0.1', () => {
		expect(parseEndpoint('tcp://localhost:5555')).toMatchObject({host: '127.0.0.1', port: 5555, url: 'tcp://127.0.0.1:5555'});
	});

	it('reads the IPv6 loopback address in brackets', () => {
		expect(parseEndpoint('tcp://[::1]:5555')).toEqual({transport: 'tcp', host: '::1', port: 5555, url: 'tcp://[::1]:5555'});
	});

	it('accepts port 0, for a server that takes any free port', () => {
		expect(parseEndpoint('tcp://127.0.0.1:0')).toMatchObject({port: 0});
	});

	it.each(['tcp://0.0.0.0:5555', 'tcp://*:5555', 'tcp://192.168.1.4:5555', 'tcp://example.com:5555', 'tcp://[::]:5555'])('refuses the non-loopback endpoint %s', endpoint => {
		expect(() => parseEndpoint(endpoint)).toThrow('loopback-only');
	});

	it('refuses a port above 65535', () => {
		expect(() => parseEndpoint('tcp://127.0.0.1:70000')).toThrow('from 0 to 65535');
	});

	it('refuses a TCP endpoint without a port', () => {
		expect(() => parseEndpoint('tcp://127.0.0.1')).toThrow('tcp://HOST:PORT');
	});

	it('refuses an unknown scheme with an EndpointError', () => {
		expect(() => parseEndpoint('udp://127.0.0.1:5555')).toThrow(EndpointError);
	});

	it('refuses text that is not an endpoint', () => {
		expect(() => parseEndpoint('/tmp/procui.sock')).toThrow('Expected an endpoint');
	});
});

describe('defaultEndpoint', () => {
	it('uses PROCUI_ENDPOINT when it is set', () => {
		expect(defaultEndpoint({PROCUI_ENDPOINT: 'tcp://127.0.0.1:6000', XDG_RUNTIME_DIR: '/run/user/1000'}).url).toBe('tcp://127.0.0.1:6000');
	});

	it('puts the socket in XDG_RUNTIME_DIR when there is one', () => {
		expect(defaultEndpoint({XDG_RUNTIME_DIR: '/run/user/1000'}).url).toBe('ipc:///run/user/1000/procui/procui.sock');
	});

	it('falls back to a per-user directory in the temp directory', () => {
		const uid = process.getuid!();
		expect(defaultEndpoint({}).url).toBe(`ipc://${path.join(os.tmpdir(), `procui-${uid}`, 'procui.sock')}`);
	});

	it('ignores a relative XDG_RUNTIME_DIR, as the XDG spec says to', () => {
		expect(defaultEndpoint({XDG_RUNTIME_DIR: 'run'}).url).toContain(`procui-${process.getuid!()}`);
	});
});
