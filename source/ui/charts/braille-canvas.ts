/**
blessed-contrib's own braille canvas, loaded without blessed.

blessed-contrib's chart widgets (`line`, `sparkline`) are blessed Boxes: they `require('blessed')`,
which blessed-contrib lists only as a devDependency (so it is not installed), and they draw only
once attached to a blessed screen. What they draw on is the canvas blessed-contrib ships as its
dependency `drawille-canvas-blessed-contrib`: an HTML5-canvas-like context over a grid of
braille cells (2×4 dots each) whose `frame()` is plain text with SGR colours. procui draws on that
canvas directly, off-screen, and hands the text to Ink; blessed never owns the terminal. The
module is resolved from blessed-contrib's own folder, so it is exactly the copy blessed-contrib
uses.
*/
import {createRequire} from 'node:module';
import path from 'node:path';

/** The part of the canvas context procui uses (an HTML5 CanvasRenderingContext2D subset). */
type BrailleContext = {
	/** A colour name (`cyan`), a 256-colour number, or `[r, g, b]`. */
	strokeStyle: string | number | readonly [number, number, number];
	beginPath(): void;
	moveTo(x: number, y: number): void;
	lineTo(x: number, y: number): void;
	stroke(): void;
	/** The grid itself: `frame()` is the picture as text, rows separated by newlines. */
	readonly _canvas: {frame(delimiter?: string): string};
};

type ContextConstructor = new (width: number, height: number) => BrailleContext;

let contextConstructor: ContextConstructor | undefined;

function load(): ContextConstructor {
	if (contextConstructor === undefined) {
		const require = createRequire(import.meta.url);
		const contribFolder = path.dirname(require.resolve('blessed-contrib/package.json'));
		const canvasModule = require.resolve('drawille-canvas-blessed-contrib', {paths: [contribFolder]});
		contextConstructor = require(canvasModule) as ContextConstructor;
	}

	return contextConstructor;
}

/** A blank canvas of `columns`×`rows` terminal cells (2×4 dots each). */
export function createBrailleContext(columns: number, rows: number): BrailleContext {
	const Context = load();
	return new Context(Math.max(1, columns) * 2, Math.max(1, rows) * 4);
}
