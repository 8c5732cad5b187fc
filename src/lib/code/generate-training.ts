/**
 * The linear regression pattern (leaf x -> linear(weight, bias) -> mse_loss with a leaf target)
 * and the tutorial's training program written for it (see the module comment of `generate.ts`).
 */
import { isLeaf, opAttrs } from '$lib/graph';
import {
	BASE_RESERVED,
	fanOut,
	leafAttrs,
	type GeneratedProgram,
	type Graph,
	type PrintedItem
} from './generate-graph';
import {
	append,
	assignment,
	drawsWithSeed,
	INDENT,
	leafCode,
	MAX_LINE,
	newBudget,
	planLiteral,
	type LeafCode
} from './generate-literals';
import { comment, type Locale } from './comments';
import { pyString, toIdentifier, versioned } from './python';

const TRAINING_RESERVED = [
	'device',
	'model',
	'criterion',
	'learning_rate',
	'optimizer',
	'epochs',
	'epoch',
	'outputs'
];

interface TrainingPattern {
	x: string;
	y: string;
	weight: string;
	bias: string | null;
	linear: string;
	loss: string;
}

export function trainingPattern(graph: Graph, output: string): TrainingPattern | null {
	const loss = graph.nodes.get(output)!;
	if (loss.op !== 'mse_loss' || loss.attrs?.retainGrad === true) return null;
	const lossInputs = graph.inputs.get(output);
	const linearId = lossInputs?.get('input');
	const y = lossInputs?.get('target');
	if (linearId === undefined || y === undefined) return null;
	const linear = graph.nodes.get(linearId)!;
	if (
		linear.op !== 'linear' ||
		linear.attrs?.retainGrad === true ||
		fanOut(graph, linearId) !== 1
	) {
		return null;
	}
	const linearInputs = graph.inputs.get(linearId)!;
	const x = linearInputs.get('input');
	const weight = linearInputs.get('weight');
	const bias = linearInputs.get('bias') ?? null;
	if (x === undefined || weight === undefined) return null;
	const ids = [x, y, weight, bias, linearId, output].filter((id): id is string => id !== null);
	if (new Set(ids).size !== ids.length || graph.nodes.size !== ids.length) return null;
	const leaf = (id: string) => {
		const node = graph.nodes.get(id)!;
		return isLeaf(node) ? node.attrs : null;
	};
	const [xa, ya, wa] = [leaf(x), leaf(y), leaf(weight)];
	const ba = bias === null ? null : leaf(bias);
	if (xa === null || ya === null || wa === null || (bias !== null && ba === null)) return null;
	if (xa.requiresGrad || ya.requiresGrad || !wa.requiresGrad || (ba !== null && !ba.requiresGrad))
		return null;
	if (
		wa.shape.length !== 2 ||
		(ba !== null && (ba.shape.length !== 1 || ba.shape[0] !== wa.shape[0]))
	) {
		return null;
	}
	if (
		[x, y, weight, bias].some(
			(id) => id !== null && graph.nodes.get(id)!.attrs?.retainGrad === true
		)
	) {
		return null;
	}
	for (const id of [linearId, output]) {
		const info = graph.infos.get(id);
		if (info === undefined || info.error !== null || info.shape === null) return null;
	}
	// A weight or bias too big for a literal would need torch.manual_seed inside the state dict:
	// such a graph gets the plain program instead. (Same order as trainingProgram: x, y, weight.)
	const plan = newBudget();
	planLiteral(xa, plan);
	planLiteral(ya, plan);
	if (drawsWithSeed(wa, plan)) return null;
	planLiteral(wa, plan);
	if (ba !== null && drawsWithSeed(ba, plan)) return null;
	return { x, y, weight, bias, linear: linearId, loss: output };
}

export function trainingProgram(
	graph: Graph,
	p: TrainingPattern,
	locale: Locale
): GeneratedProgram {
	const reserved = new Set([...BASE_RESERVED, ...TRAINING_RESERVED]);
	const taken = new Set(reserved);
	const name = (id: string, extra: string[] = []) => {
		const chosen = versioned(
			toIdentifier(graph.nodes.get(id)!.name, new Set([...reserved, ...extra])),
			taken
		);
		taken.add(chosen);
		return chosen;
	};
	// The loop reuses the loss's name; the data and the prediction must not take it.
	const lossName = name(p.loss);
	const x = name(p.x, [lossName]);
	const y = name(p.y, [lossName]);
	const pred = name(p.linear, [lossName]);
	const attrs = (id: string) => leafAttrs(graph.nodes.get(id)!);
	const weight = attrs(p.weight);
	const bias = p.bias === null ? null : attrs(p.bias);
	const [outFeatures, inFeatures] = weight.shape;
	const reduction = opAttrs(graph.nodes.get(p.loss)!).reduction;
	const budget = newBudget();

	const lines: string[] = ['import torch', 'import torch.nn as nn', ''];
	append(lines, comment(locale, 'code.comment.training', { pred, x, loss: lossName, y }));
	lines.push('device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")', '');
	for (const [id, variable] of [
		[p.x, x],
		[p.y, y]
	] as const) {
		const head = `${variable} = `;
		const code = leafCode(attrs(id), false, 'values', budget, '', head, '.to(device)', locale);
		const last = code.lines.length - 1;
		code.lines[last] += '.to(device)';
		append(lines, assignment(variable, code));
	}
	lines.push(
		'',
		`model = nn.Linear(${inFeatures}, ${outFeatures}${bias === null ? ', bias=False' : ''})`
	);
	const entries: { key: string; code: LeafCode }[] = [
		{
			key: 'weight',
			code: leafCode(weight, false, 'values', budget, INDENT, `${INDENT}'weight': `, ',', locale)
		}
	];
	if (bias !== null)
		entries.push({
			key: 'bias',
			code: leafCode(bias, false, 'values', budget, INDENT, `${INDENT}'bias': `, ',', locale)
		});
	const oneLineDict = `model.load_state_dict({${entries.map((e) => `'${e.key}': ${e.code.lines.join('')}`).join(', ')}})`;
	if (
		entries.every((e) => e.code.before.length === 0 && e.code.lines.length === 1) &&
		oneLineDict.length <= MAX_LINE
	) {
		lines.push(oneLineDict);
	} else {
		lines.push('model.load_state_dict({');
		for (const { key, code } of entries) {
			for (const comment of code.before) lines.push(INDENT + comment);
			lines.push(`${INDENT}'${key}': ${code.lines[0]}`);
			append(lines, code.lines.slice(1));
			lines[lines.length - 1] += ',';
		}
		lines.push('})');
	}
	lines.push(
		'model.to(device)',
		'',
		`criterion = nn.MSELoss(${reduction !== undefined && reduction !== 'mean' ? `reduction=${pyString(String(reduction))}` : ''})`,
		'learning_rate = 0.01',
		'optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)',
		''
	);
	append(lines, comment(locale, 'code.comment.onePass'));
	lines.push(
		`${pred} = model(${x})`,
		`${lossName} = criterion(${pred}, ${y})`,
		`print(${lossName})`,
		`${lossName}.backward()`,
		'print(model.weight.grad)'
	);
	const printed: PrintedItem[] = [
		{ what: 'value', node: p.loss },
		{ what: 'grad', node: p.weight }
	];
	if (p.bias !== null) {
		lines.push('print(model.bias.grad)');
		printed.push({ what: 'grad', node: p.bias });
	}
	lines.push('');
	append(lines, comment(locale, 'code.comment.trainingLoop'));
	lines.push(
		'epochs = 1000',
		'for epoch in range(epochs):',
		`${INDENT}epoch += 1`,
		`${INDENT}optimizer.zero_grad()`,
		`${INDENT}outputs = model(${x})`,
		`${INDENT}${lossName} = criterion(outputs, ${y})`,
		`${INDENT}${lossName}.backward()`,
		`${INDENT}optimizer.step()`,
		`${INDENT}if epoch % 50 == 0:`,
		`${INDENT}${INDENT}print('epoch {}, loss {}'.format(epoch, ${lossName}.item()))`,
		'',
		"torch.save(model.state_dict(), 'model.pkl')"
	);
	printed.push({ what: 'epochs' });
	return {
		code: lines.join('\n') + '\n',
		kind: 'training',
		output: p.loss,
		variables: { [p.x]: x, [p.y]: y, [p.linear]: pred },
		printed
	};
}
