/**
The `:` prompt's words, as a shell would split them (quotes and backslashes), so that
`:add web python3 -m http.server` and `:signal web "HUP"` read as `procui ctl` reads its argv.
The supervisor's own shlex split (config/shlex.ts, through control/), so the prompt and `cmd` agree.
*/
import {shlexSplit} from '../../control/shell-words.js';

type SplitResult = {readonly words: string[]} | {readonly error: string};

export function splitWords(line: string): SplitResult {
	try {
		return {words: shlexSplit(line)};
	} catch (error) {
		return {error: error instanceof Error ? error.message : String(error)};
	}
}

/**
Complete the last word of a prompt line: a command name first, then watcher names. Returns the
new line, or the line unchanged when nothing (or more than one thing, beyond their common
start) matches.
*/
export function completeLine(line: string, commands: readonly string[], watchers: readonly string[]): {line: string; candidates: string[]} {
	const match = /(\S*)$/u.exec(line);
	const last = match?.[1] ?? '';
	const before = line.slice(0, line.length - last.length);
	const pool = before.trim() === '' ? commands : watchers;
	const candidates = pool.filter((candidate) => candidate.startsWith(last)).sort();
	if (candidates.length === 0) {
		return {line, candidates};
	}

	if (candidates.length === 1) {
		return {line: `${before}${candidates[0]} `, candidates};
	}

	let common = candidates[0]!;
	for (const candidate of candidates) {
		while (!candidate.startsWith(common)) {
			common = common.slice(0, -1);
		}
	}

	return {line: before + common, candidates};
}
