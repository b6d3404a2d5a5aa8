import childProcess, {type ChildProcess} from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {cliPath, tempDir, waitFor} from './daemon.js';

/** Where Debian's openssh-server puts the daemon. */
export const sshdPath = '/usr/sbin/sshd';

/** Why ssh tests cannot run here, or undefined when they can. */
export function sshUnavailable(): string | undefined {
	if (process.getuid?.() !== 0) {
		return 'the ssh tests start sshd and need root';
	}

	if (!fs.existsSync(sshdPath)) {
		return `no ${sshdPath}: apt-get install -y --no-install-recommends openssh-server`;
	}

	return childProcess.spawnSync('sh', ['-c', 'command -v ssh && command -v ssh-keygen']).status === 0 ? undefined : 'no ssh or ssh-keygen: apt-get install -y openssh-client';
}

export type Sshd = {
	readonly port: number;
	/** What to put in the environment of a procui client so that ssh:// reaches this sshd as root
	and runs the worktree's built procui there. */
	readonly env: NodeJS.ProcessEnv;
	/** `ssh://root@127.0.0.1:PORT` + `socketPath`. */
	url(socketPath?: string): string;
	stop(): Promise<void>;
};

async function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const server = net.createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const {port} = server.address() as net.AddressInfo;
			server.close(() => {
				resolve(port);
			});
		});
	});
}

function keygen(file: string): void {
	childProcess.execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file], {stdio: 'ignore'});
}

/** A real sshd on 127.0.0.1 with a throwaway host key, accepting one throwaway client key for root. */
export async function startSshd(): Promise<Sshd> {
	const dir = tempDir('procui-sshd-');
	const hostKey = path.join(dir, 'host_key');
	const clientKey = path.join(dir, 'client_key');
	keygen(hostKey);
	keygen(clientKey);
	const authorized = path.join(dir, 'authorized_keys');
	fs.copyFileSync(`${clientKey}.pub`, authorized);
	// sshd reads the authorized keys as the user logging in: let other users (a test's second user) in.
	fs.chmodSync(dir, 0o755);
	fs.chmodSync(authorized, 0o644);
	// sshd's privilege separation needs this folder (Debian creates it only when the service starts).
	fs.mkdirSync('/run/sshd', {recursive: true, mode: 0o755});
	const config = path.join(dir, 'sshd_config');
	fs.writeFileSync(config, [
		'ListenAddress 127.0.0.1',
		`HostKey ${hostKey}`,
		`AuthorizedKeysFile ${authorized}`,
		`PidFile ${path.join(dir, 'sshd.pid')}`,
		'UsePAM no',
		'StrictModes no',
		'PermitRootLogin yes',
		'PasswordAuthentication no',
		'KbdInteractiveAuthentication no',
		'LogLevel ERROR',
		'',
	].join('\n'));
	const port = await freePort();
	const child: ChildProcess = childProcess.spawn(sshdPath, ['-D', '-e', '-f', config, '-p', String(port)], {stdio: ['ignore', 'ignore', 'pipe']});
	let stderr = '';
	child.stderr!.setEncoding('utf8');
	child.stderr!.on('data', (chunk: string) => {
		stderr += chunk;
	});
	await waitFor(async () => {
		if (child.exitCode !== null) {
			throw new Error(`sshd exited with ${child.exitCode}: ${stderr}`);
		}

		return new Promise<boolean>((resolve) => {
			const socket = net.connect({host: '127.0.0.1', port}, () => {
				socket.destroy();
				resolve(true);
			});
			socket.once('error', () => {
				resolve(false);
			});
		});
	}, {what: 'sshd to listen'});
	return {
		port,
		env: {
			PROCUI_SSH_OPTIONS: `-F /dev/null -i ${clientKey} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR`,
			PROCUI_REMOTE_COMMAND: `${process.execPath} ${cliPath}`,
		},
		url: (socketPath = '') => `ssh://root@127.0.0.1:${port}${socketPath}`,
		async stop() {
			if (child.exitCode === null) {
				const exited = new Promise((resolve) => child.once('exit', resolve));
				child.kill('SIGTERM');
				await exited;
			}

			fs.rmSync(dir, {recursive: true, force: true});
		},
	};
}
