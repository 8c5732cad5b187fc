/**
 * The Python each card shows, from the seed tutorial (the Chinese "PyTorch实战(三)"; its cells verbatim in tests/code/tutorial-cells.ts), comments in English.
 * Static strings: the UI renders them as text, never as HTML. The page shows the comments in its
 * language (`localizeComments`).
 */
import { MESSAGES, type MessageKey } from '$lib/i18n/messages';

/** The catalog keys of the cards' comments, by their English (`tutorial.comment.<key>`). */
const COMMENT_KEYS = new Map(
	(Object.keys(MESSAGES.en) as MessageKey[])
		.filter((key) => key.startsWith('tutorial.comment.'))
		.map((key) => [MESSAGES.en[key], key] as const)
);

/** `code` with its comments in the page's language (`t`); the code itself as written. */
export function localizeComments(code: string, t: (key: MessageKey) => string): string {
	return code.replace(/# ([^\n]+)/g, (whole, text: string) => {
		const key = COMMENT_KEYS.get(text.trimEnd());
		return key === undefined ? whole : `# ${t(key)}`;
	});
}

export const PY = {
	manualSeed: (seed: number) => `torch.manual_seed(${seed})`,

	sumX: `x = torch.randn(3,4,requires_grad=True)
x`,
	sumY: `b = torch.randn(3,4,requires_grad=True)
t = x + b
y = t.sum()
y`,
	sumBackward: `y.backward()
b.grad`,

	flags: `x.requires_grad, b.requires_grad, t.requires_grad`,
	tGradFn: `t.grad_fn.name()`,

	chainGraph: `x = torch.rand(1)
b = torch.rand(1, requires_grad = True)
w = torch.rand(1, requires_grad = True)
y = w * x
z = y + b
# y was never marked, but it needs grad too
x.requires_grad, b.requires_grad, w.requires_grad, y.requires_grad`,
	chainLeaves: `x.is_leaf, w.is_leaf, b.is_leaf, y.is_leaf, z.is_leaf`,
	chainX: `x  # dz/dw = x`,
	chainBackward: `z.backward(retain_graph=True)  # grads add up unless zeroed
w.grad`,
	chainBGrad: `b.grad  # dz/db = 1`,
	chainZeroGrad: `w.grad.zero_(); b.grad.zero_()`,

	regressionData: `import numpy as np
x_values = [i for i in range(11)]
x_train = np.array(x_values, dtype=np.float32)
x_train = x_train.reshape(-1, 1)
x_train.shape`,
	regressionLabels: `y_values = [2*i + 1 for i in x_values]  # y = 2x + 1
y_train = np.array(y_values, dtype=np.float32)
y_train = y_train.reshape(-1, 1)
y_train.shape`,
	regressionModel: `import torch
import torch.nn as nn

class LinearRegressionModel(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegressionModel, self).__init__()
        self.linear = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        out = self.linear(x)
        return out`,
	regressionModelInstance: `input_dim = 1  # input data dimension = 1
output_dim = 1 # output data dimension = 1

model = LinearRegressionModel(input_dim, output_dim)
model`,
	regressionSetup: `epochs = 1000
learning_rate = 0.01
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
criterion = nn.MSELoss()`,
	regressionLoop: `for epoch in range(epochs):
    epoch += 1
    inputs = torch.from_numpy(x_train)
    labels = torch.from_numpy(y_train)

    optimizer.zero_grad()             # zero the grads every step
    outputs = model(inputs)           # forward
    loss = criterion(outputs, labels) # loss
    loss.backward()                   # backward
    optimizer.step()                  # update the weights
    if epoch % 50 == 0:
        print('epoch {}, loss {}'.format(epoch, loss.item()))`,
	regressionParameters: `model.linear.weight.item(), model.linear.bias.item()`,
	regressionPredict: `predicted = model(torch.from_numpy(x_train).requires_grad_()).data.numpy()
predicted`,
	regressionSave: `torch.save(model.state_dict(), 'model.pkl')`,
	regressionLoad: `model.load_state_dict(torch.load('model.pkl'))`,

	// The seed's GPU section, one block there, split where a notebook shows an output.
	gpuModel: `class LinearRegressionModel(nn.Module):
    def __init__(self, input_dim, output_dim):
        super(LinearRegressionModel, self).__init__()
        self.linear = nn.Linear(input_dim, output_dim)

    def forward(self, x):
        out = self.linear(x)
        return out

input_dim = 1
output_dim = 1

model = LinearRegressionModel(input_dim, output_dim)`,
	gpuDevice: `device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
model.to(device)`,
	gpuDeviceValue: `device`,
	gpuSetup: `criterion = nn.MSELoss()

learning_rate = 0.01

optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)`,
	gpuLoop: `epochs = 1000
for epoch in range(epochs):
    epoch += 1
    inputs = torch.from_numpy(x_train).to(device)
    labels = torch.from_numpy(y_train).to(device)

    optimizer.zero_grad()

    outputs = model(inputs)

    loss = criterion(outputs, labels)

    loss.backward()

    optimizer.step()

    if epoch % 50 == 0:
        print('epoch {}, loss {}'.format(epoch, loss.item()))`
} as const;
