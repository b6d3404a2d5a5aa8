import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, test} from 'vitest';
import {computeLayout} from '../../source/ui/components/layout.js';
import {skeletonFrame} from '../../source/ui/screen/skeleton.js';
import {stripAnsi} from '../../source/ui/text/ansi-text.js';
import {repoRoot} from '../helpers/daemon.js';

/** The packages a source file loads, following its relative imports (type-only imports are erased). */
function packagesLoaded(file: string, seen = new Set<string>()): Set<string> {
	const packages = new Set<string>();
	if (seen.has(file)) {
		return packages;
	}

	seen.add(file);
	const text = fs.readFileSync(file, 'utf8');
	for (const match of text.matchAll(/^import\s+(?!type\b)(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]/gmu)) {
		const specifier = match[1]!;
		if (specifier.startsWith('.')) {
			for (const name of packagesLoaded(path.resolve(path.dirname(file), specifier.replace(/\.js$/u, '.ts')), seen)) {
				packages.add(name);
			}
		} else if (!specifier.startsWith('node:')) {
			packages.add(specifier);
		}
	}

	return packages;
}

describe('the first frame, drawn before Ink loads', () => {
	test('loads neither Ink nor React', () => {
		const packages = packagesLoaded(path.join(repoRoot, 'source/ui/screen/skeleton.ts'));
		expect([...packages]).toEqual(['string-width']);
	});

	test.each([[80, 24], [100, 30], [120, 40], [200, 60]])('at %i×%i: as tall as the terminal, as wide, its boxes where the layout puts them', (columns, rows) => {
		const lines = stripAnsi(skeletonFrame({columns, rows, mode: 'embedded'})).split('\n');
		expect(lines).toHaveLength(rows);
		expect(lines.every((line) => [...line].length === columns || line === lines.at(-2) || line === lines.at(-1))).toBe(true);
		const layout = computeLayout({columns, rows, watcherCount: 0, processCount: 0, nameWidth: 0, list: 'watchers', zoom: false});
		// The top row's boxes, then the logs' box, each starting with a corner.
		expect(lines[1]!.startsWith('╭─ Watchers (0)')).toBe(true);
		expect([...lines[1]!][layout.watchersWidth]).toBe('╭');
		expect(lines[layout.topHeight]!.startsWith('╰')).toBe(true);
		expect(lines[1 + layout.topHeight]!.startsWith('╭─ Logs · all watchers')).toBe(true);
		expect(lines[layout.topHeight + layout.logHeight]!.startsWith('╰')).toBe(true);
		expect(lines.at(-1)).toMatch(/\? help {2}q quit$/u);
	});
});
