import {describe, expect, it} from 'vitest';
import {parseSshEndpoint, sshArguments} from '../../source/control/ssh-endpoint.js';
import {describeSshExit} from '../../source/control/ssh-transport.js';

describe('ssh:// endpoints', () => {
	it('reads user, host, port and the remote socket path', () => {
		expect(parseSshEndpoint('ssh://deploy@web1.example.com:2222/run/procui/procui.sock')).toEqual({
			transport: 'ssh', user: 'deploy', host: 'web1.example.com', port: 2222, remoteEndpoint: 'ipc:///run/procui/procui.sock', url: 'ssh://deploy@web1.example.com:2222/run/procui/procui.sock',
		});
		expect(parseSshEndpoint('ssh://web1')).toEqual({transport: 'ssh', host: 'web1', url: 'ssh://web1'});
		expect(parseSshEndpoint('ssh://[::1]:22/tmp/a%20b.sock')).toMatchObject({host: '::1', port: 22, remoteEndpoint: 'ipc:///tmp/a b.sock'});
	});

	it('refuses a host or user that ssh would read as an option, a password, and a query', () => {
		expect(() => parseSshEndpoint('ssh://-oProxyCommand=sh/x.sock')).toThrow('Expected a host name');
		expect(() => parseSshEndpoint('ssh://-oProxyCommand=sh@host/x.sock')).toThrow('Expected ssh://USER@HOST');
		expect(() => parseSshEndpoint('ssh://me:secret@host')).toThrow('a password cannot be given in the URL');
		expect(() => parseSshEndpoint('ssh://host/x.sock?IdentityFile=k')).toThrow('give ssh options in $PROCUI_SSH_OPTIONS');
		expect(() => parseSshEndpoint('ssh://host:99999/x.sock')).toThrow('Expected ssh://');
	});

	it('runs procui proxy remotely with the socket path quoted for the remote shell, after --', () => {
		const endpoint = parseSshEndpoint('ssh://me@host:2200/tmp/it\'s $HOME.sock');
		expect(sshArguments(endpoint, {})).toEqual(['-T', '-p', '2200', '-l', 'me', '--', 'host', 'procui proxy --endpoint \'ipc:///tmp/it\'\\\'\'s $HOME.sock\'']);
		expect(sshArguments(parseSshEndpoint('ssh://host'), {PROCUI_REMOTE_COMMAND: '/opt/node/bin/node /opt/procui/dist/cli.js', PROCUI_SSH_OPTIONS: '-i "/keys/my key" -o BatchMode=yes'}))
			.toEqual(['-T', '-i', '/keys/my key', '-o', 'BatchMode=yes', '--', 'host', '/opt/node/bin/node /opt/procui/dist/cli.js proxy']);
	});

	it('says why ssh ended in words a person can act on', () => {
		const endpoint = parseSshEndpoint('ssh://deploy@web1:2222/run/procui.sock');
		expect(describeSshExit(endpoint, 255, null, 'ssh: Could not resolve hostname web1: Name or service not known\n')).toBe('cannot reach deploy@web1:2222: unknown host name');
		expect(describeSshExit(endpoint, 255, null, 'ssh: connect to host web1 port 2222: Connection timed out\n')).toBe('cannot reach deploy@web1:2222 over ssh: ssh: connect to host web1 port 2222: Connection timed out');
		expect(describeSshExit(endpoint, 2, null, 'procui: unknown command "proxy" (and no such configuration file).\n\n  procui: a process supervisor\n  Usage\n')).toBe('the remote command on web1 failed with exit code 2: procui: unknown command "proxy" (and no such configuration file).');
		expect(describeSshExit(endpoint, null, 'SIGTERM', '')).toBe('ssh to deploy@web1:2222 ended by SIGTERM');
	});
});
