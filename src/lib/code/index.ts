/**
 * Graph <-> PyTorch code. `generateCode` writes the PyTorch program of a graph; `importCode`
 * reads Python (the tutorial's subset) back into a graph, with a tokenizer and a parser: nothing
 * is ever evaluated. Plain TypeScript: no Svelte, no DOM.
 *
 *     const code = generateCode(doc);                     // the code panel
 *     const { doc, problems, output } = importCode(text); // the import dialog
 */
export {
	generateCode,
	generateProgram,
	type GenerateOptions,
	type GeneratedProgram,
	type PrintedItem
} from './generate';
export { importCode, type CodeNote, type ImportedTraining, type ImportResult } from './importer';
export {
	CODE_PROBLEM_KINDS,
	MAX_CODE_BYTES,
	MAX_CODE_LINES,
	MAX_CODE_PROBLEMS,
	type CodeProblem,
	type CodeProblemKind
} from './source';
export { isAutoName } from './names';
