import childProcess, {type ChildProcess, type SpawnOptions} from 'node:child_process';

/** A child's stdout and stderr, gathered as text as they come. */
export function gatherOutput(child: ChildProcess): {stdout(): string; stderr(): string} {
	let stdout = '';
	let stderr = '';
	child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
		stdout += chunk;
	});
	child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
		stderr += chunk;
	});
	return {stdout: () => stdout, stderr: () => stderr};
}

/** Run a program to its end (stdin closed): its exit status and what it printed. */
export async function runToEnd(file: string, args: readonly string[], options: SpawnOptions = {}): Promise<{code: number | null; stdout: string; stderr: string}> {
	const child = childProcess.spawn(file, args, {...options, stdio: ['ignore', 'pipe', 'pipe']});
	const output = gatherOutput(child);
	const code = await new Promise<number | null>((resolve) => {
		child.once('close', resolve);
	});
	return {code, stdout: output.stdout(), stderr: output.stderr()};
}
