/**
 * The code cells of the seed tutorial ("PyTorch实战(三)"), verbatim: the Chinese
 * comments, the spaces around `=` in `requires_grad = True` and the trailing spaces are the
 * tutorial's own. Consecutive cells of one section are joined, as a student would paste them.
 */
import { DATA_X, DATA_Y, GPU } from '../fixtures/tutorial-linreg';

/** Section 1: x, b = randn(3, 4); t = x + b; y = t.sum(); y.backward(); b.grad; flags. */
export const AUTOGRAD_CELLS = `x = torch.randn(3,4,requires_grad=True)
x
b = torch.randn(3,4,requires_grad=True)
t = x + b
y = t.sum()
y
y.backward()
b.grad
x.requires_grad, b.requires_grad, t.requires_grad
`;

/** Section 1, the chain rule example: y = w * x; z = y + b. */
export const CHAIN_CELLS = `#计算流程
x = torch.rand(1)
b = torch.rand(1, requires_grad = True)
w = torch.rand(1, requires_grad = True)
y = w * x 
z = y + b 
x.requires_grad, b.requires_grad, w.requires_grad, y.requires_grad#注意y也是需要的
x.is_leaf, w.is_leaf, b.is_leaf, y.is_leaf, z.is_leaf
z.backward(retain_graph=True)#如果不清空会累加起来
w.grad
b.grad
`;

/** Section 2, the data (numpy) cells. */
export const REGRESSION_DATA_CELLS = DATA_X + DATA_Y;

/** Section 2, the model, loss, optimizer, training loop and saving cells (GPU version). */
export const REGRESSION_GPU_CELLS = `import torch
import torch.nn as nn

${GPU}torch.save(model.state_dict(), 'model.pkl')
model.load_state_dict(torch.load('model.pkl'))
`;
