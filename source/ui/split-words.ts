/**
The `:` prompt's words, as a shell would split them (quotes and backslashes), so that
`:add web python3 -m http.server` and `:signal web "HUP"` read as `procui ctl` reads its argv.
Deliberately no variables, globs or escapes beyond the backslash: the prompt is not a shell.
*/
export type SplitResult = {readonly words: string[]} | {readonly error: string};

export function splitWords(line: string): SplitResult {
	const words: string[] = [];
	let word = '';
	let inWord = false;
	let quote: '"' | '\'' | undefined;
	for (let index = 0; index < line.length; index++) {
		const char = line[index]!;
		if (quote !== undefined) {
			if (char === quote) {
				quote = undefined;
			} else if (char === '\\' && quote === '"' && index + 1 < line.length) {
				word += line[++index];
			} else {
				word += char;
			}

			continue;
		}

		if (char === '"' || char === '\'') {
			quote = char;
			inWord = true;
		} else if (char === '\\' && index + 1 < line.length) {
			word += line[++index];
			inWord = true;
		} else if (/\s/u.test(char)) {
			if (inWord) {
				words.push(word);
				word = '';
				inWord = false;
			}
		} else {
			word += char;
			inWord = true;
		}
	}

	if (quote !== undefined) {
		return {error: `unclosed ${quote === '"' ? 'double' : 'single'} quote`};
	}

	if (inWord) {
		words.push(word);
	}

	return {words};
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
