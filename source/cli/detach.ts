import childProcess from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/** The environment variable that tells a detached daemon to report readiness on fd 3. */
const readyFdVariable = 'PROCUI_READY_FD';

/** How long the parent waits for the detached daemon to be ready. */
const readyTimeoutMs = 30_000;

/**
`procui daemon --detach`: start the same command again in a new session, without a terminal, and
return once it reports that it listens (or why it could not start). It then survives the
terminal closing: it has no controlling terminal and ignores nothing it should not.
*/
export async function detach(argv: readonly string[]): Promise<number> {
	const args = [...process.execArgv, process.argv[1]!, ...argv.filter((arg) => arg !== '--detach' && arg !== '-d')];
	const child = childProcess.spawn(process.execPath, args, {
		detached: true,
		stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
		env: {...process.env, [readyFdVariable]: '3'},
	});
	const pipe = child.stdio[3] as net.Socket;
	let text = '';
	pipe.setEncoding('utf8');
	const result = await new Promise<string>((resolve) => {
		const timer = setTimeout(() => {
			resolve(`error: no answer within ${readyTimeoutMs / 1000} s`);
		}, readyTimeoutMs);
		pipe.on('data', (chunk: string) => {
			text += chunk;
			if (text.includes('\n')) {
				clearTimeout(timer);
				resolve(text.split('\n')[0]!);
			}
		});
		pipe.on('close', () => {
			clearTimeout(timer);
			resolve(text.includes('\n') ? text.split('\n')[0]! : 'error: the daemon exited during start-up (run it without --detach to see why)');
		});
		child.on('error', (error) => {
			clearTimeout(timer);
			resolve(`error: ${error.message}`);
		});
	});
	pipe.destroy();
	child.unref();
	if (result.startsWith('ready ')) {
		process.stdout.write(`procui daemon started (pid ${child.pid}), control endpoint ${result.slice('ready '.length)}\n`);
		return 0;
	}

	process.stderr.write(`procui: ${result.replace(/^error: /, '')}\n`);
	return 1;
}

/** In the detached daemon: tell the parent how start-up went, then close the pipe. */
export function reportToParent(line: string): void {
	const fdText = process.env[readyFdVariable];
	if (fdText === undefined) {
		return;
	}

	delete process.env[readyFdVariable];
	const fd = Number(fdText);
	try {
		fs.writeSync(fd, `${line.replaceAll('\n', ' ')}\n`);
		fs.closeSync(fd);
	} catch {
		// The parent is gone; nothing to tell.
	}
}
