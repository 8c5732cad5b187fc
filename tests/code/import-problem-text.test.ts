/**
 * The import dialog's problems in the UI's language: every problem code of ours (and every
 * reason a name has no value) has its words in English and in Chinese with the same
 * placeholders; the English, filled in from the problem's code and params, is the problem's
 * own `message` word for word; the Chinese keeps only code (names, calls) in Latin letters.
 */
import { describe, expect, it } from 'vitest';
import { CODE_PROBLEM_KINDS, importCode, type CodeProblem } from '$lib/code';
import {
	PHRASE_CODES,
	PHRASE_TEXT,
	PROBLEM_CODES,
	PROBLEM_TEXT,
	REASON_CODES,
	REASON_TEXT,
	type ProblemCode
} from '$lib/code/problem-codes';
import { MESSAGES, translate, type Locale, type MessageKey } from '$lib/i18n/messages';
import { importProblemParts, importProblemText } from '$lib/editor/ImportCodeDialog/problem-parts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

/** A problem worded in `locale`, as the dialog words it. */
const worded = (locale: Locale, problem: CodeProblem) =>
	importProblemText(problem, (key, params) => translate(locale, key, params));

const MODULE = `import torch.nn as nn
class M(nn.Module):
    def __init__(self):
        super().__init__()
        self.l = nn.Linear(1, 1)
    def forward(self, x):
        if x is None:
            pass
        return self.l(x)
m = M()
y = m(torch.ones(1))
`;

/** A method that calls itself: deeper than methods may call methods. */
const RECURSIVE = `import torch.nn as nn
class M(nn.Module):
    def forward(self, x):
        return self.forward(x)
m = M()
y = m(torch.ones(1))
`;

/**
 * A program that has each problem code (the first problem with that code is checked), but
 * two kept for code the importer cannot meet today: `block` (a block keyword the parser may learn
 * later: every block it reads now, `async` ones included, has its own code) and
 * `unknownMethodCall` (a method of a value that has no methods: every such value is read as a
 * whole before its methods are).
 */
const PROGRAMS: Record<Exclude<ProblemCode, 'block' | 'unknownMethodCall'>, string> = {
	for: 'x = torch.ones(1)\nfor i in range(3):\n    x = x * 2',
	while: 'while True:\n    pass',
	if: 'if True:\n    pass',
	def: 'def f():\n    pass',
	class: 'class A:\n    pass',
	with: 'with open("f") as f:\n    pass',
	try: 'try:\n    pass\nexcept Exception:\n    pass',
	blockInMethod: MODULE,
	keywordStatement: 'del x',
	augAssign: 'x = torch.ones(1)\nx += 1',
	relativeImport: 'from . import a',
	starImport: 'from torch import *',
	builtinCall: 'n = len([1])',
	numpyCall: 'import numpy as np\na = np.zeros(3)',
	moduleCall: 'import math\na = math.sqrt(2)',
	unknownFunction: 'x = torch.foo(1)',
	unknownMethod: 'x = torch.ones(2)\ny = x.foo()',
	undefinedName: 'y = foo(1)',
	undefinedNameNn: 'l = nn.Linear(1, 1)',
	undefinedNameF: 'y = F.relu(torch.ones(1))',
	undefinedNameNp: 'a = np.array([1.0])',
	noValue: 'x = torch.ones(2)\nfor i in range(2):\n    z = x * 2\ny = z + 1',
	optimizerStep: 'w = torch.ones(1, requires_grad=True)\nopt = torch.optim.Adam([w])\nopt.step()',
	optimizerStepOutsideLoop:
		'w = torch.ones(1, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1)\nopt.step()',
	indexing: 'x = torch.ones(2)\ny = x[0]',
	inPlace: 'import torch.nn.functional as F\nx = torch.ones(2)\ny = F.relu(x, inplace=True)',
	inPlaceMethod: 'x = torch.ones(2)\nx.add_(1)',
	detach: 'x = torch.ones(2)\ny = x.detach()',
	backwardGradient: 'x = torch.ones(2, requires_grad=True)\ny = x * 2\ny.backward(torch.ones(2))',
	backwardInputs: 'x = torch.ones(2, requires_grad=True)\ny = x.sum()\ny.backward(inputs=[x])',
	complex: 'x = 1j',
	unpack: 'x = torch.ones(2)\ny = [*x]',
	unpackArgs: 'x = torch.ones(*[2])',
	unpackKwargs: 'x = torch.ones(2, **{})',
	assignTarget: 'a, *b = 1, 2',
	assignSubscript: 'x = torch.ones(2)\nx[0] = 1',
	assignAttribute: 'x = torch.ones(2)\nx.foo = 1',
	takesNoArguments:
		'import torch.nn as nn\nclass M(nn.Module):\n    def forward(self, x):\n        return x\nm = M(1)',
	integerGrad: 'x = torch.tensor(2, requires_grad=True)',
	float32: 'import numpy as np\na = np.array([1.0], dtype=np.float64)',
	double: 'x = torch.ones(2)\ny = x.double()',
	torchDtype: 'x = torch.ones(2, dtype=torch.float64)',
	dtypeType: 'x = torch.ones(2, dtype=1)',
	python: 'a = 1 / 0',
	pytorch: 'x = torch.ones(2).reshape(3)',
	numpy: 'import numpy as np\na = np.array([1.0, 2.0]).reshape(3)',
	numberOperator: 'a = 2 @ 3',
	integerOverflow: 'x = torch.ones(2 ** 70)',
	integerTooBig: 'x = torch.ones(2 ** 60)',
	notInteger: 'x = torch.ones(2.5)',
	notBool: 'x = torch.ones(2, requires_grad=1)',
	notNumber: 'x = torch.full((2,), "a")',
	notNumberValue: 'w = torch.ones(1, requires_grad=True)\nopt = torch.optim.SGD([w], lr="a")',
	notFinite: 'x = torch.tensor([1e400])',
	notFiniteArg: 'x = torch.full((2,), 1e400)',
	notTensorOrNumber: 'x = torch.ones(2)\ny = x + "a"',
	notCallable: 'x = torch.ones(2)\ny = x(1)',
	atLeastOne: 'import torch.nn as nn\nl = nn.Linear(0, 1)',
	missing: 'x = torch.ones()',
	reductionValue: 'import torch.nn as nn\nl = nn.MSELoss(reduction=1)',
	deprecated: 'import torch.nn as nn\nl = nn.MSELoss(size_average=True)',
	keywordOption: 'x = torch.ones(2, out=None)',
	numberAtDim: 'x = torch.tensor([1.0, [2.0]])',
	maxDims: 'x = torch.ones(1, 1, 1, 1, 1, 1, 1, 1, 1)',
	emptyTensor: 'x = torch.tensor([])',
	zeroSize: 'x = torch.ones(0)',
	tooManyElements: 'x = torch.ones(10000, 10000)',
	tooManyValues: 'x = torch.tensor([range(100000), range(100000)])',
	boolTensor: 'x = torch.tensor([True])',
	tensorOfTensors: 'x = torch.tensor([torch.ones(1)])',
	tensorData: 'x = torch.tensor("a")',
	rangeTooLong: 'x = torch.tensor(range(10 ** 7))',
	arangeTooLong: 'x = torch.arange(1, 10 ** 7)',
	listCompIterable: 'x = [i for i in "abc"]',
	listCompTarget: 'x = [a for a, b in [(1, 2)]]',
	listCompElement: 'x = [None for i in range(3)]',
	arrayOf: 'import numpy as np\na = np.array("a")',
	raggedArray: 'import numpy as np\na = np.array([[1.0], [1.0, 2.0]])',
	arrayTooBig: 'import numpy as np\na = np.array([range(100000), range(100000)])',
	numpyMethod: 'import numpy as np\na = np.array([1.0]).sum()',
	fromNumpy: 'x = torch.from_numpy([1.0])',
	linearTooBig: 'import torch.nn as nn\nl = nn.Linear(10000, 10000)',
	noBias:
		'import torch.nn as nn\nl = nn.Linear(1, 1, bias=False)\nl.bias = nn.Parameter(torch.zeros(1))',
	parameterData: 'import torch.nn as nn\np = nn.Parameter(1.0)',
	assignParameter: 'import torch.nn as nn\nl = nn.Linear(1, 1)\nl.weight = torch.zeros(1, 1)',
	leafRequiresGrad: 'x = torch.ones(2, requires_grad=True)\ny = x * 2\ny.requires_grad = False',
	loadStateDictDict: 'import torch.nn as nn\nl = nn.Linear(1, 1)\nl.load_state_dict(1)',
	loadStateDictTensor:
		'import torch.nn as nn\nl = nn.Linear(1, 1)\nl.load_state_dict({"weight": 1.0, "bias": torch.zeros(1)})',
	loadStateDictFile: MODULE + 'm.load_state_dict(1)',
	callDepth: RECURSIVE,
	momentumRange:
		'w = torch.ones(1, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1, momentum=1.5)',
	lrZero: 'w = torch.ones(1, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0)',
	sgdOption:
		'w = torch.ones(1, requires_grad=True)\nopt = torch.optim.SGD([w], lr=0.1, weight_decay=0.1)',
	conditionalTensor: 'x = torch.ones(2)\ny = x if True else x',
	dictKeys: 'd = {1: 2}',
	expression: 'f = lambda x: x',
	notOperand: 'x = torch.ones(2)\ny = not x',
	unaryOperand: 'x = ~"a"',
	boolOperator: 'x = torch.ones(2)\ny = x and x',
	comparison: 'x = torch.ones(2)\ny = x < 1',
	operator: 'x = torch.ones(2)\ny = x // 2',
	operands: 'x = "a" + 1',
	numberOperand: 'x = torch.ones(2, 2)\ny = 2 @ x',
	needsTensor: 'y = torch.add(1, 2)',
	unpackCount: 'a, b = 1, 2, 3',
	unpackValue: 'x = torch.ones(2)\na, b = x',
	tooManyNodes: 'x = torch.ones(1)\n' + 'x = x + 1\n'.repeat(1100),
	syntaxAt: 'x = 1 2',
	syntaxLineEnds: 'x = ',
	syntaxKeyword: 'x = class',
	syntaxNotPython: 'x = $'
};

/** More programs for the reasons a name has no value. */
const REASON_PROGRAMS = [
	'x = torch.ones(2)\ny = x.foo()\nz = y + 1',
	'def f():\n    pass\ny = f()',
	'for i in range(2):\n    x = torch.ones(1)\ny = x * 2',
	'with open("f") as f:\n    x = torch.ones(1)\ny = x * 2'
];

const found = (code: string) =>
	importCode(code).problems.filter((problem) => problem.code !== undefined);

/** The Latin words allowed in the Chinese outside code: names. */
const NAMES = new Set(['PyTorch', 'Python', 'NumPy']);

describe('the catalog words every import problem', () => {
	const keys = [
		...PROBLEM_CODES.map((code) => [`importCode.problem.${code}`, PROBLEM_TEXT[code]]),
		...REASON_CODES.map((code) => [`importCode.reason.${code}`, REASON_TEXT[code]]),
		...PHRASE_CODES.map((code) => [`importCode.phrase.${code}`, PHRASE_TEXT[code]])
	];

	it.each(keys)('%s in English (as the importer says it) and in Chinese', (key, english) => {
		expect(Object.hasOwn(MESSAGES.en, key)).toBe(true);
		expect(Object.hasOwn(MESSAGES.zh, key)).toBe(true);
		const en = MESSAGES.en[key as MessageKey];
		const zh = MESSAGES.zh[key as MessageKey];
		expect(en).toBe(english);
		expect(zh).not.toBe(en);
		expect(placeholders(zh)).toEqual(placeholders(en));
		// Code between backticks stays code, the same in both languages.
		const code = (text: string) => [...text.matchAll(/`([^`]*)`/g)].map((m) => m[1]);
		expect(code(zh).sort()).toEqual(code(en).sort());
		// No English of ours: without placeholders and code, only names are in Latin letters.
		const prose = zh.replace(/\{\w+\}/g, ' ').replace(/`[^`]*`/g, ' ');
		for (const word of prose.match(/[A-Za-z_][A-Za-z_0-9]*/g) ?? [])
			expect(NAMES, `${key}: ${word}`).toContain(word);
	});

	it('every kind of problem has a label in both languages', () => {
		for (const kind of CODE_PROBLEM_KINDS) {
			const key = `importCode.kind.${kind}` as MessageKey;
			expect(MESSAGES.en[key]).toBeTruthy();
			expect(MESSAGES.zh[key]).toBeTruthy();
		}
	});
});

describe('each code, met in a program', () => {
	it.each(Object.entries(PROGRAMS))(
		'%s: the English from the catalog is the message',
		(code, program) => {
			const problem = found(program).find((p) => p.code === code);
			expect(problem, `${code} in ${JSON.stringify(importCode(program).problems)}`).toBeDefined();
			expect(worded('en', problem!)).toBe(problem!.message);
			expect(worded('zh', problem!)).not.toBe(problem!.message);
		}
	);

	it('every reason a name has no value, nested in noValue, worded in both languages', () => {
		const reasons = new Set<string>();
		for (const program of REASON_PROGRAMS) {
			for (const problem of found(program).filter((p) => p.code === 'noValue')) {
				reasons.add(problem.reason!.code);
				expect(problem.kind).toBe('no-value');
				expect(worded('en', problem)).toBe(problem.message);
				const zh = worded('zh', problem);
				expect(zh).not.toMatch(/has no value|was not imported|is assigned in|outside the subset/);
			}
		}
		expect([...reasons].sort()).toEqual([...REASON_CODES].sort());
	});

	it("the tutorial's common problems: Chinese, without our English words", () => {
		const program = 'x = torch.ones(1)\nfor i in range(3):\n    z = x * 2\ny = foo(x)\nw = z + 1';
		const problems = importCode(program).problems;
		expect(problems.map((p) => p.kind)).toEqual(['unsupported', 'undefined-name', 'no-value']);
		for (const problem of problems) {
			const zh = worded('zh', problem);
			expect(zh).not.toMatch(/outside the subset|has no value|is not defined|not imported/);
			expect(zh).toMatch(/[\u4e00-\u9fff]/);
		}
	});

	it("Python's syntax errors have no code: they are shown as Python wrote them", () => {
		const problems = importCode('x = (1 +\ny = "abc').problems;
		expect(problems.length).toBeGreaterThan(0);
		for (const problem of problems) {
			expect(problem.kind).toBe('syntax');
			expect(problem.code).toBeUndefined();
			const parts = importProblemParts(problem, (key, params) => translate('zh', key, params));
			expect(parts).toEqual([{ text: problem.message, verbatim: true }]);
		}
	});

	it('the code a problem quotes is a verbatim piece; our words and line numbers are not', () => {
		const [problem] = found('for i in range(2):\n    zz = torch.ones(1)\ny = zz * 2').filter(
			(p) => p.code === 'noValue'
		);
		const parts = importProblemParts(problem, (key, params) => translate('zh', key, params));
		expect(parts.filter((part) => part.verbatim).map((part) => part.text)).toEqual(['zz', 'for']);
		expect(parts.map((part) => part.text).join('')).toBe(
			'zz 没有值：它是在第 1 行的 for 代码块里赋值的，而这个代码块没有导入'
		);
	});
});
